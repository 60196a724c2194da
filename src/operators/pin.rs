//! PINs and passwords: the rule they follow, and their Argon2id hash.
//!
//! Why Argon2id, through the RustCrypto `argon2` crate: it is the winner of the
//! Password Hashing Competition and RFC 9106's recommendation, memory-hard (a stolen
//! database cannot be brute-forced cheaply on GPUs, which matters for 6-digit PINs), and
//! the same function will derive each operator's key-wrapping key when personal data is
//! encrypted at rest (docs/operators.md). The crate is pure Rust (no C library to
//! build on the desk PCs or in CI), maintained with the `age` crates already used here,
//! and writes the PHC string format, which carries the salt and the parameters: a hash
//! made with older parameters keeps verifying after they are raised.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::{Error, Result};

/// The shortest PIN or password accepted.
pub const MIN_CHARS: usize = 6;
/// The longest: a passphrase fits, a pasted file does not.
pub const MAX_CHARS: usize = 128;

/// Memory of the standard parameters, in KiB: 64 MiB (RFC 9106, second recommended
/// option, with one lane).
pub const MEMORY_KIB: u32 = 64 * 1024;
/// Passes over the memory.
pub const PASSES: u32 = 3;
/// Lanes: one (the crate computes them in one thread anyway).
pub const LANES: u32 = 1;

/// Checks a new PIN or password: 6 to 128 characters, no control characters. Digits
/// only are fine (a PIN); it is never trimmed.
pub fn check(pin: &str, field: &str) -> Result<()> {
    let n = pin.chars().count();
    if n < MIN_CHARS {
        return Err(Error::invalid(
            field,
            format!("the PIN must have at least {MIN_CHARS} digits or characters"),
        ));
    }
    if n > MAX_CHARS {
        return Err(Error::invalid(
            field,
            format!("the PIN or password is too long: at most {MAX_CHARS} characters"),
        ));
    }
    if pin.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            "the PIN cannot contain tabs or line breaks",
        ));
    }
    Ok(())
}

/// Hashes and verifies PINs with Argon2id at given parameters.
#[derive(Clone)]
pub struct PinHasher {
    params: Params,
}

impl PinHasher {
    /// The parameters every installation uses: Argon2id, 64 MiB, 3 passes, 1 lane,
    /// 16-byte random salt, 32-byte hash (about a quarter of a second on a desk PC).
    pub fn standard() -> PinHasher {
        PinHasher::with_params(MEMORY_KIB, PASSES, LANES)
    }

    /// Other parameters: the tests use the lightest ones (8 KiB, 1 pass) to stay fast.
    /// Verification always reads the parameters from the stored hash.
    pub fn with_params(memory_kib: u32, passes: u32, lanes: u32) -> PinHasher {
        PinHasher {
            params: Params::new(memory_kib, passes, lanes, Some(32))
                .expect("Argon2 parameters within the algorithm's bounds"),
        }
    }

    /// The lightest parameters: for tests only, never for a real installation.
    pub fn light() -> PinHasher {
        PinHasher::with_params(8, 1, 1)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// The PHC string of `pin` with a fresh random salt.
    pub fn hash(&self, pin: &str) -> Result<String> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()
            .hash_password(pin.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::invalid("pin", format!("the PIN could not be hashed: {e}")))
    }

    /// The 32-byte key Argon2id derives from `pin` and `salt` with these parameters: the
    /// key that wraps the data key for one operator (`keys`). Its salt is not the PHC
    /// hash's, so the stored hash says nothing about this key.
    pub fn derive_key(&self, pin: &str, salt: &[u8]) -> Result<zeroize::Zeroizing<[u8; 32]>> {
        let mut out = zeroize::Zeroizing::new([0u8; 32]);
        self.argon2()
            .hash_password_into(pin.as_bytes(), salt, out.as_mut())
            .map_err(|e| Error::invalid("pin", format!("no key could be derived: {e}")))?;
        Ok(out)
    }

    /// The parameters (memory in KiB, passes, lanes), kept beside what they derived.
    pub fn params(&self) -> (u32, u32, u32) {
        (
            self.params.m_cost(),
            self.params.t_cost(),
            self.params.p_cost(),
        )
    }

    /// Whether `pin` matches the stored PHC string (whose own parameters are used). A
    /// malformed hash matches nothing.
    pub fn verify(&self, phc: &str, pin: &str) -> bool {
        match PasswordHash::new(phc) {
            Ok(parsed) => Argon2::default()
                .verify_password(pin.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_salted_and_verifies_only_its_pin() {
        let h = PinHasher::light();
        let a = h.hash("123456").unwrap();
        let b = h.hash("123456").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{a}");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(!a.contains("123456"));
        assert!(h.verify(&a, "123456"));
        assert!(!h.verify(&a, "123457"));
        assert!(!h.verify("not a hash", "123456"));
        // the stored parameters win: a hash made lighter verifies with any hasher
        assert!(PinHasher::standard().verify(&a, "123456"));
    }

    #[test]
    fn standard_parameters_are_the_documented_ones() {
        let p = PinHasher::standard().params;
        assert_eq!((p.m_cost(), p.t_cost(), p.p_cost()), (65536, 3, 1));
    }

    #[test]
    fn pins_need_six_characters() {
        assert!(check("12345", "pin").is_err());
        assert!(check("123456", "pin").is_ok());
        assert!(check("parola segreta", "pin").is_ok());
        assert!(check("12345\n6", "pin").is_err());
        assert!(check(&"9".repeat(129), "pin").is_err());
        assert_eq!(check("", "new_pin").unwrap_err().code(), "invalid");
    }
}
