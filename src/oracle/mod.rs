//! Exact max-margin oracles: floating point proposes, exact rational arithmetic certifies.
//!
//! (Skeleton: filled in by the oracle work.)

pub use crate::cert::{Certificate, Norm, Witness};
