//! K-class data (K ≥ 3 label values) and their lift to a binary problem
//! (docs/theory/multiclass.md §M1).
//!
//! A [`ClassData`] holds N points `x_n ∈ ℚ^d` and class indices `y_n ∈ {0, …, K−1}`; the
//! classes are the distinct label values in the order of [`super::Cell`]: numbers in numeric
//! order, then text labels in byte-lexicographic order. Its lift is the binary [`Dataset`] of
//! the `N(K−1)` points `x̃_{n,k} = (e_{y_n} − e_k) ⊗ x_n` (`k ≠ y_n`, in increasing `k`), all
//! with label +1, in dimension `K·d`; a vector of that dimension is `vec(W)`, the rows
//! `w_0, …, w_{K−1}` of `W` one after the other.

use super::Dataset;
use crate::error::{Error, Result};
use rug::Rational;

/// Labelled K-class data with exact rational coordinates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassData {
    x: Vec<Vec<Rational>>,
    y: Vec<usize>,
    names: Vec<String>,
}

impl ClassData {
    /// Builds K-class data, checking: non-empty, rectangular, `d ≥ 1`, `K = names.len() ≥ 2`,
    /// every class index below `K`.
    pub fn new(x: Vec<Vec<Rational>>, y: Vec<usize>, names: Vec<String>) -> Result<Self> {
        let k = names.len();
        if k < 2 {
            return Err(Error::Data(format!(
                "{k} class name(s): K-class data need at least 2 classes"
            )));
        }
        if let Some((n, &c)) = y.iter().enumerate().find(|(_, &c)| c >= k) {
            return Err(Error::Data(format!(
                "point {} has class index {c}, but there are only {k} classes",
                n + 1
            )));
        }
        // the shape rules of a binary data set (labels are checked there as ±1)
        Dataset::new(x.clone(), vec![1; y.len()])?;
        Ok(ClassData { x, y, names })
    }

    /// Number of points N.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Always false: K-class data have at least one point.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Dimension d of a point.
    pub fn dim(&self) -> usize {
        self.x[0].len()
    }

    /// Number of classes K.
    pub fn classes(&self) -> usize {
        self.names.len()
    }

    /// The class names, in class order (as written in the file).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The points `x_n`.
    pub fn points(&self) -> &[Vec<Rational>] {
        &self.x
    }

    /// The class indices `y_n ∈ {0, …, K−1}`.
    pub fn labels(&self) -> &[usize] {
        &self.y
    }

    /// The pair `(n, k)` (point, other class) of lifted point `i`: sample `n` owns the
    /// lifted points `n(K−1) … n(K−1)+K−2`, one per class `k ≠ y_n` in increasing order.
    pub fn pair(&self, i: usize) -> (usize, usize) {
        let g = self.classes() - 1;
        let (n, j) = (i / g, i % g);
        let k = if j < self.y[n] { j } else { j + 1 };
        (n, k)
    }

    /// The index of the lifted point `x̃_{n,k}` (`k ≠ y_n`): the inverse of [`ClassData::pair`].
    pub(crate) fn lifted_index(&self, n: usize, k: usize) -> usize {
        // the lift skips the sample's own class y_n
        let j = if k < self.y[n] { k } else { k - 1 };
        n * (self.classes() - 1) + j
    }

    /// Non-zero `((point, class), β)` entries as the weights of every lifted point, in the
    /// order of [`ClassData::lift`] (zero elsewhere).
    pub(crate) fn lifted_weights(&self, entries: &[((usize, usize), Rational)]) -> Vec<Rational> {
        let mut out = vec![Rational::new(); self.len() * (self.classes() - 1)];
        for ((n, k), v) in entries {
            out[self.lifted_index(*n, *k)] = v.clone();
        }
        out
    }

    /// The lifted binary data set: `x̃_{n,k} = (e_{y_n} − e_k) ⊗ x_n` for `k ≠ y_n`, label +1.
    /// Its ℓ2 max-margin problem is the K-class SVM (docs/theory/multiclass.md §M1).
    pub fn lift(&self) -> Dataset {
        let (k, d) = (self.classes(), self.dim());
        let mut x = Vec::with_capacity(self.len() * (k - 1));
        for (row, &c) in self.x.iter().zip(&self.y) {
            for other in (0..k).filter(|&o| o != c) {
                let mut v = vec![Rational::new(); k * d];
                for (j, q) in row.iter().enumerate() {
                    v[c * d + j] = q.clone();
                    v[other * d + j] = Rational::from(-q);
                }
                x.push(v);
            }
        }
        let n = x.len();
        // the shape is that of `self` (checked in `new`), and every label is +1
        Dataset::new(x, vec![1; n]).expect("a lift of well-formed K-class data is well-formed")
    }

    /// The data with a constant-1 feature appended to every point (`--bias`).
    pub fn with_bias(&self) -> ClassData {
        ClassData {
            x: super::with_bias_column(&self.x),
            y: self.y.clone(),
            names: self.names.clone(),
        }
    }

    /// The rows `w_0, …, w_{K−1}` of a lifted vector `vec(W)` (length `K·d`).
    pub fn rows<T: Clone>(&self, w: &[T]) -> Vec<Vec<T>> {
        w.chunks(self.dim()).map(<[T]>::to_vec).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(v: i64) -> Rational {
        Rational::from(v)
    }

    #[test]
    fn lift_pairs_and_rows() {
        // x = (1, 2) of class 1 among K = 3: lifted points (e_1 − e_0) ⊗ x, (e_1 − e_2) ⊗ x
        let c = ClassData::new(
            vec![vec![q(1), q(2)]],
            vec![1],
            vec!["a".into(), "b".into(), "c".into()],
        )
        .unwrap();
        let l = c.lift();
        assert_eq!(l.len(), 2);
        assert_eq!(l.points()[0], vec![q(-1), q(-2), q(1), q(2), q(0), q(0)]);
        assert_eq!(l.points()[1], vec![q(0), q(0), q(1), q(2), q(-1), q(-2)]);
        assert_eq!((c.pair(0), c.pair(1)), ((0, 0), (0, 2)));
        // the lifted index is the inverse of pair: x̃_{0,0} is point 0, x̃_{0,2} point 1
        assert_eq!((c.lifted_index(0, 0), c.lifted_index(0, 2)), (0, 1));
        assert_eq!(
            c.lifted_weights(&[((0, 2), q(5))]),
            vec![q(0), q(5)],
            "weights on the lift's order"
        );
        assert_eq!(
            c.rows(&[1, 2, 3, 4, 5, 6]),
            vec![vec![1, 2], vec![3, 4], vec![5, 6]]
        );
    }

    #[test]
    fn refuses_a_class_index_out_of_range() {
        let e = ClassData::new(vec![vec![q(1)]], vec![3], vec!["a".into(), "b".into()]);
        assert!(e.is_err());
    }
}
