//! The demo's draws: a seeded ChaCha8 stream, and exact shares by weight.
//!
//! ChaCha8's output for a seed is fixed by its specification (the `rand_chacha` crate
//! promises value stability), and every draw here is computed from its raw 64-bit
//! words by our own arithmetic rather than by a library's range or shuffle helpers,
//! whose algorithms may change between releases. So the same command writes the same
//! records on every machine and every version of the dependencies.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// A deterministic stream of draws.
pub(super) struct Draw(ChaCha8Rng);

impl Draw {
    /// The stream of one desk and year: the same pair always gives the same stream,
    /// and different desks do not share draws (adding a desk changes no other desk).
    pub(super) fn new(year: i32, desk: &str) -> Draw {
        // FNV-1a over the desk code and the year: a fixed, documented mix.
        let mut seed: u64 = 0xcbf2_9ce4_8422_2325;
        for b in desk.bytes().chain(year.to_le_bytes()) {
            seed ^= u64::from(b);
            seed = seed.wrapping_mul(0x0100_0000_01b3);
        }
        Draw(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A number in `0..n` (`n` > 0). The multiply-and-shift mapping has a bias below
    /// n / 2^64, far under anything a demo can show.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `percent` / 100.
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One item of `weighted`, with probability proportional to its weight.
    pub(super) fn pick<T: Copy>(&mut self, weighted: &[(T, u32)]) -> T {
        let total: u64 = weighted.iter().map(|&(_, w)| u64::from(w)).sum();
        let mut x = self.below(total);
        for &(item, w) in weighted {
            if x < u64::from(w) {
                return item;
            }
            x -= u64::from(w);
        }
        unreachable!("x is below the sum of the weights")
    }

    /// Puts `items` in a random order (Fisher-Yates).
    pub(super) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// Ten random bytes, for the random part of an id.
    pub(super) fn bytes16(&mut self) -> [u8; 16] {
        let mut out = [0; 16];
        self.0.fill_bytes(&mut out);
        out
    }
}

/// Splits `total` into shares proportional to `weights` that add up to `total` exactly
/// (largest remainder; equal remainders go to the earlier weight). The demo uses it
/// where the report must rank the same way whatever the draws: a larger weight never
/// gets a smaller share.
pub(super) fn quotas(total: u64, weights: &[u32]) -> Vec<u64> {
    let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<u64> = weights
        .iter()
        .map(|&w| total * u64::from(w) / sum)
        .collect();
    let mut left = total - shares.iter().sum::<u64>();
    let mut by_remainder: Vec<usize> = (0..weights.len()).collect();
    // remainder of share i is (total * w_i) mod sum; larger first, then earlier index
    by_remainder.sort_by_key(|&i| (std::cmp::Reverse(total * u64::from(weights[i]) % sum), i));
    for i in by_remainder {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_desk_and_year_give_the_same_stream() {
        let (mut a, mut b) = (Draw::new(2023, "FOL"), Draw::new(2023, "FOL"));
        let xs: Vec<u64> = (0..20).map(|_| a.below(1000)).collect();
        let ys: Vec<u64> = (0..20).map(|_| b.below(1000)).collect();
        assert_eq!(xs, ys);
        let mut c = Draw::new(2023, "GRO");
        let zs: Vec<u64> = (0..20).map(|_| c.below(1000)).collect();
        assert_ne!(xs, zs, "another desk draws another stream");
    }

    #[test]
    fn draws_stay_in_range_and_follow_the_weights() {
        let mut d = Draw::new(2023, "GRO");
        assert!((0..1000).all(|_| d.below(7) < 7));
        let weighted = [("a", 1), ("b", 0), ("c", 3)];
        let mut counts = [0u32; 3];
        for _ in 0..40_000 {
            match d.pick(&weighted) {
                "a" => counts[0] += 1,
                "b" => counts[1] += 1,
                _ => counts[2] += 1,
            }
        }
        assert_eq!(counts[1], 0, "a zero weight is never drawn");
        let ratio = f64::from(counts[2]) / f64::from(counts[0]);
        assert!((2.8..3.2).contains(&ratio), "3:1 expected, got {ratio}");
    }

    #[test]
    fn a_shuffle_keeps_every_item() {
        let mut d = Draw::new(2022, "SCA");
        let mut v: Vec<u32> = (0..100).collect();
        d.shuffle(&mut v);
        assert_ne!(v, (0..100).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn quotas_add_up_and_keep_the_order_of_the_weights() {
        assert_eq!(quotas(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(quotas(976, &[60, 39, 1]), vec![585, 381, 10]);
        assert_eq!(quotas(5, &[0, 0]), vec![0, 0]);
        let w = [362, 146, 175, 125, 70, 30, 9, 1];
        let q = quotas(1427, &w);
        assert_eq!(q.iter().sum::<u64>(), 1427);
        for i in 0..w.len() {
            for j in 0..w.len() {
                if w[i] > w[j] {
                    assert!(q[i] >= q[j], "weight {} got less than {}", w[i], w[j]);
                }
            }
        }
    }
}
