//! Seeded, platform-independent generators with rational coordinates.
//!
//! The random source is SplitMix64 (integer arithmetic only), so a seed gives the same data
//! set on every machine and every version of every dependency.

use super::Dataset;
use crate::error::{Error, Result};
use rug::{Integer, Rational};

/// SplitMix64: a tiny, portable, seeded generator (Steele, Lea, Flood 2014).
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    /// The generator's state: [`SplitMix64::new`] of it continues the same sequence.
    pub fn state(&self) -> u64 {
        self.0
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform integer in `lo..=hi` (unbiased, by rejection).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        let span = (hi - lo) as u64 + 1;
        let zone = u64::MAX - (u64::MAX % span);
        loop {
            let v = self.next_u64();
            if v < zone {
                return lo + (v % span) as i64;
            }
        }
    }
}

/// Largest `n·d` the planted generator accepts: 10^7 exact coordinates take about 1 GB.
pub const MAX_COORDINATES: usize = 10_000_000;

fn q(p: i64, d: i64) -> Rational {
    Rational::from((p, d))
}

/// The generators `ibias gen` knows, with their parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Generator {
    /// Soudry et al. (2018) Fig. 1: the four support vectors of theory §1.6 plus 12 seeded
    /// points off the margin (6 per class, `ŵᵀz ≥ 3/2`), so `ŵ = (1/2, 1/2)`.
    Fig1 {
        /// Seed for the 12 extra points.
        seed: u64,
    },
    /// `n` points in `d` dimensions, coordinates `k/100` in `[−1, 1]`, labelled by a planted
    /// integer direction `u`, keeping only points with `|uᵀx|/‖u‖ ≥ margin`.
    Planted {
        /// Number of points.
        n: usize,
        /// Dimension.
        d: usize,
        /// Minimum distance of every point to the planted hyperplane.
        margin: Rational,
        /// Seed.
        seed: u64,
    },
    /// The handful of 2-D points of the seed post's picture.
    Post,
    /// Theory §9 R1: the single point `x = (1, 0)`, `y = +1`.
    R1,
    /// Theory §9 R2: the four Fig. 1 support vectors only.
    R2,
}

impl Generator {
    /// Generates the data set.
    pub fn generate(&self) -> Result<Dataset> {
        match self {
            Generator::Fig1 { seed } => fig1(*seed),
            Generator::Planted { n, d, margin, seed } => planted(*n, *d, margin, *seed),
            Generator::Post => post(),
            Generator::R1 => Dataset::new(vec![vec![q(1, 1), q(0, 1)]], vec![1]),
            Generator::R2 => Dataset::new(fig1_support_vectors().0, fig1_support_vectors().1),
        }
    }
}

fn fig1_support_vectors() -> (Vec<Vec<Rational>>, Vec<i8>) {
    (
        vec![
            vec![q(1, 2), q(3, 2)],
            vec![q(3, 2), q(1, 2)],
            vec![q(-1, 2), q(-3, 2)],
            vec![q(-3, 2), q(-1, 2)],
        ],
        vec![1, 1, -1, -1],
    )
}

fn fig1(seed: u64) -> Result<Dataset> {
    let (mut x, mut y) = fig1_support_vectors();
    let mut rng = SplitMix64::new(seed);
    // Quarter-grid points with x1, x2 in [1/4, 4] and x1 + x2 >= 3, i.e. ŵᵀz >= 3/2 > 1:
    // strictly off the margin, so the four support vectors keep ŵ = (1/2, 1/2) (theory §1.6).
    for class in [1i8, -1] {
        let mut made = 0;
        while made < 6 {
            let a = rng.range(1, 16);
            let b = rng.range(1, 16);
            if a + b < 12 {
                continue;
            }
            let s = i64::from(class);
            x.push(vec![q(s * a, 4), q(s * b, 4)]);
            y.push(class);
            made += 1;
        }
    }
    Dataset::new(x, y)
}

fn planted(n: usize, d: usize, margin: &Rational, seed: u64) -> Result<Dataset> {
    if n == 0 || d == 0 {
        return Err(Error::param(
            "n/d",
            "need n >= 1 points and d >= 1 dimensions",
        ));
    }
    if n > 1_000_000 || d > 10_000 {
        return Err(Error::param(
            "n/d",
            "at most n = 10^6 points and d = 10^4 dimensions",
        ));
    }
    if n.saturating_mul(d) > MAX_COORDINATES {
        return Err(Error::param(
            "n/d",
            format!(
                "n·d = {} coordinates is more than {MAX_COORDINATES} (memory); use fewer points \
                 or dimensions",
                n.saturating_mul(d)
            ),
        ));
    }
    if *margin < 0 {
        return Err(Error::param("margin", "must be >= 0"));
    }
    let mut rng = SplitMix64::new(seed);
    let u: Vec<i64> = loop {
        let u: Vec<i64> = (0..d).map(|_| rng.range(-5, 5)).collect();
        if u.iter().any(|&v| v != 0) {
            break u;
        }
    };
    let unorm2: i64 = u.iter().map(|v| v * v).sum();
    // |uᵀx| / ‖u‖ >= margin  <=>  (uᵀx)² >= margin² ‖u‖², with x = k/100: uᵀx = s/100.
    let need = Rational::from(margin * margin) * Rational::from(unorm2) * 10_000;
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    let mut tries: u64 = 0;
    while x.len() < n {
        tries += 1;
        if tries > 1000 * n as u64 + 10_000 {
            return Err(Error::param(
                "margin",
                "too large: almost no points in [-1,1]^d are that far from the planted hyperplane",
            ));
        }
        let k: Vec<i64> = (0..d).map(|_| rng.range(-100, 100)).collect();
        let s: i64 = k.iter().zip(&u).map(|(a, b)| a * b).sum();
        if s == 0 || Integer::from(s) * s < need {
            continue;
        }
        x.push(k.iter().map(|&v| q(v, 100)).collect());
        y.push(if s > 0 { 1 } else { -1 });
    }
    Dataset::new(x, y)
}

fn post() -> Result<Dataset> {
    // Three points per class in the plane, separable through the origin.
    let x = vec![
        vec![q(1, 1), q(2, 1)],
        vec![q(2, 1), q(3, 1)],
        vec![q(3, 1), q(1, 1)],
        vec![q(-1, 1), q(-1, 1)],
        vec![q(-2, 1), q(-3, 1)],
        vec![q(0, 1), q(-2, 1)],
    ];
    Dataset::new(x, vec![1, 1, 1, -1, -1, -1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // Reference output of SplitMix64 with seed 0 (Vigna's splitmix64.c).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn fig1_extra_points_are_off_the_margin() {
        let d = Generator::Fig1 { seed: 1 }.generate().unwrap();
        assert_eq!(d.len(), 16);
        for z in d.signed_points_exact().iter().skip(4) {
            let m = Rational::from(&z[0] + &z[1]) / 2;
            assert!(m >= q(3, 2));
        }
    }

    #[test]
    fn planted_respects_margin_and_labels() {
        let g = Generator::Planted {
            n: 50,
            d: 3,
            margin: q(1, 10),
            seed: 7,
        };
        let a = g.generate().unwrap();
        assert_eq!(a, g.generate().unwrap());
        assert_eq!(a.len(), 50);
        assert_eq!(a.dim(), 3);
    }
}
