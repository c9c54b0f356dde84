//! The MPFR [`Scalar`]: `rug::Float` at a precision chosen at run time (the context is the
//! number of bits), every operation correctly rounded.

use super::{format_sig_float, Precision, Scalar};
use rug::float::Round;
use rug::{Float, Rational};
use std::cmp::Ordering;

impl Scalar for Float {
    type Ctx = u32;
    fn ctx(&self) -> u32 {
        self.prec()
    }
    fn ctx_for(p: Precision) -> u32 {
        p.bits()
    }
    fn bits(ctx: u32) -> u32 {
        ctx
    }
    fn zero(ctx: u32) -> Self {
        Float::new(ctx)
    }
    fn from_f64(x: f64, ctx: u32) -> Self {
        Float::with_val(ctx, x)
    }
    fn from_rational(q: &Rational, ctx: u32) -> Self {
        Float::with_val(ctx, q)
    }
    fn to_f64(&self) -> f64 {
        Float::to_f64(self)
    }
    fn to_rational(&self) -> Option<Rational> {
        Float::to_rational(self)
    }
    fn to_decimal(&self, digits: usize) -> String {
        format_sig_float(self, digits)
    }
    fn to_float_round(&self, prec: u32, round: Round) -> Float {
        Float::with_val_round(prec, self, round).0
    }
    fn set(&mut self, other: &Self) {
        rug::Assign::assign(self, other);
    }
    fn set_f64(&mut self, x: f64) {
        rug::Assign::assign(self, x);
    }
    fn add_assign(&mut self, other: &Self) {
        *self += other;
    }
    fn sub_assign(&mut self, other: &Self) {
        *self -= other;
    }
    fn mul_assign(&mut self, other: &Self) {
        *self *= other;
    }
    fn div_assign(&mut self, other: &Self) {
        *self /= other;
    }
    fn mul_add_assign(&mut self, a: &Self, b: &Self) {
        *self += a * b;
    }
    fn mul_f64(&mut self, x: f64) {
        *self *= x;
    }
    fn neg_mut(&mut self) {
        rug::ops::NegAssign::neg_assign(self);
    }
    fn abs_mut(&mut self) {
        Float::abs_mut(self);
    }
    fn exp_mut(&mut self) {
        Float::exp_mut(self);
    }
    fn ln_mut(&mut self) {
        Float::ln_mut(self);
    }
    fn ln_1p_mut(&mut self) {
        Float::ln_1p_mut(self);
    }
    fn sqrt_mut(&mut self) {
        Float::sqrt_mut(self);
    }
    fn recip_mut(&mut self) {
        Float::recip_mut(self);
    }
    fn is_finite(&self) -> bool {
        Float::is_finite(self)
    }
    fn is_nan(&self) -> bool {
        Float::is_nan(self)
    }
    fn is_zero(&self) -> bool {
        Float::is_zero(self)
    }
    fn partial_cmp_s(&self, other: &Self) -> Option<Ordering> {
        self.partial_cmp(other)
    }
}
