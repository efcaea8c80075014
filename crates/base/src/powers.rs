//! Powers of a step count, remembered per thread: the bias corrections of
//! Adam and its kin (and of the update rules users type) need β¹, β², … βᵗ
//! at every step, and a sweep or a basin map runs the same steps with the
//! same β thousands of times.

/// The longest run whose powers are remembered (the most steps a run takes).
const MAX_REMEMBERED: u64 = 100_000;

/// Numbers of a step count remembered per thread, each under a key (the
/// bits of a base or an exponent): `values[t]` is the number for step t.
type Remembered = std::cell::RefCell<Vec<(u64, Vec<f64>)>>;

thread_local! {
    /// [`power_of_step`]'s powers, per base.
    static POWERS: Remembered = const { std::cell::RefCell::new(Vec::new()) };
    /// [`step_root`]'s roots, per exponent.
    static ROOTS: Remembered = const { std::cell::RefCell::new(Vec::new()) };
}

/// `value(t)` from `cache` under `key`, computed for every step up to `t`
/// the first time; only the last `keys` keys are kept. Beyond the longest
/// run there is nothing to share.
fn remembered(
    cache: &'static std::thread::LocalKey<Remembered>,
    key: u64,
    keys: usize,
    t: u64,
    value: impl Fn(u64) -> f64,
) -> f64 {
    if t > MAX_REMEMBERED {
        return value(t);
    }
    cache.with(|cache| {
        let mut cache = cache.borrow_mut();
        let at = match cache.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                if cache.len() == keys {
                    cache.remove(0);
                }
                cache.push((key, Vec::new()));
                cache.len() - 1
            }
        };
        let values = &mut cache[at].1;
        while values.len() <= t as usize {
            values.push(value(values.len() as u64));
        }
        values[t as usize]
    })
}

/// `base^t` for a step count `t`, as `libm::pow(base, t as f64)` gives it
/// (the same bits), remembered per thread: the bias corrections of Adam and
/// its kin need β₁ᵗ and β₂ᵗ at every step, and a sweep or a basin map runs the
/// same steps with the same β thousands of times. Only a few bases are kept.
pub fn power_of_step(base: f64, t: u64) -> f64 {
    remembered(&POWERS, base.to_bits(), 8, t, |k| libm::pow(base, k as f64))
}

/// `t^exponent` for a step count `t`, as `libm::pow(t as f64, exponent)`
/// gives it (ADOPT's clip bound t^¼), remembered as [`power_of_step`]'s
/// powers are.
pub fn step_root(t: u64, exponent: f64) -> f64 {
    remembered(&ROOTS, exponent.to_bits(), 4, t, |k| {
        libm::pow(k as f64, exponent)
    })
}

#[cfg(test)]
mod tests {
    use super::{power_of_step, step_root};

    #[test]
    fn step_roots_are_libms_powers_bit_for_bit() {
        for t in [0_u64, 1, 2, 3, 17, 1000, 99_999, 100_001] {
            assert_eq!(
                step_root(t, 0.25).to_bits(),
                libm::pow(t as f64, 0.25).to_bits()
            );
        }
    }

    #[test]
    fn powers_of_steps_are_libms_bit_for_bit() {
        for base in [0.9, 0.999, 0.5, -0.3] {
            for t in [0_u64, 1, 2, 10, 100_001] {
                assert_eq!(
                    power_of_step(base, t).to_bits(),
                    libm::pow(base, t as f64).to_bits()
                );
            }
        }
    }
}
