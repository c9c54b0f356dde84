//! Turning fuzzer bytes into structured choices, deterministically.
//!
//! Every read succeeds: past the end of the input the reader yields zeros, so any byte
//! string (including the empty one) decodes to some case, and a shorter prefix decodes to a
//! "smaller" case (the fuzzer's minimizer works well with this).

use rug::{Integer, Rational};

/// A cursor over the fuzzer's bytes.
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }

    /// Whether every byte has been consumed.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }

    /// Next byte (0 past the end).
    pub fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos = self.pos.saturating_add(1);
        b
    }

    /// Next little-endian u64 made of `k <= 8` bytes.
    fn uint(&mut self, k: usize) -> u64 {
        (0..k).fold(0u64, |acc, i| acc | (u64::from(self.u8()) << (8 * i)))
    }

    /// Next u64 (8 bytes).
    pub fn u64(&mut self) -> u64 {
        self.uint(8)
    }

    /// A coin flip.
    pub fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    /// A value in `0..n` (`n >= 1`), reading as few bytes as `n` needs.
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let k = match n {
            0..=0x100 => 1,
            0x101..=0x1_0000 => 2,
            0x1_0001..=0x1_0000_0000 => 4,
            _ => 8,
        };
        self.uint(k) % n
    }

    /// A value in `lo..=hi` (`lo <= hi`).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = hi.abs_diff(lo);
        if span == u64::MAX {
            return self.u64() as i64;
        }
        lo.wrapping_add(self.below(span + 1) as i64)
    }

    /// An index below `n` as usize.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// A small rational `p/q`, `|p| <= num`, `1 <= q <= den`.
    pub fn small_rational(&mut self, num: i64, den: i64) -> Rational {
        let p = self.range(-num, num);
        let q = self.range(1, den.max(1));
        Rational::from((p, q))
    }

    /// A positive rational `p/q`, `1 <= p <= num`, `1 <= q <= den`.
    pub fn positive_rational(&mut self, num: i64, den: i64) -> Rational {
        let p = self.range(1, num.max(1));
        let q = self.range(1, den.max(1));
        Rational::from((p, q))
    }

    /// A rational of any scale: a small mantissa times `10^e`, `|e| <= max_exp`.
    pub fn wide_rational(&mut self, max_exp: i64) -> Rational {
        let m = self.small_rational(1000, 97);
        let e = self.range(-max_exp, max_exp);
        let p = Integer::from(Integer::u_pow_u(10, e.unsigned_abs() as u32));
        if e >= 0 {
            m * Rational::from(p)
        } else {
            m / Rational::from(p)
        }
    }
}
