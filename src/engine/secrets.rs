//! Secrets at rest: the data directory's key file and sealing of the secrets the engine must be
//! able to read back (MAC client keys of `/rest/v1`, payment-extension tenant keys).
//!
//! A token that is only ever compared can be stored hashed (see `tokens`); a MAC key cannot,
//! because verifying a MAC needs the key itself. So such keys are stored sealed with
//! ChaCha20-Poly1305 under a 32-byte key kept in `<data>/secrets.key`, a file created on first use
//! with owner-only permissions (0600). Copying the database without the key file leaks nothing.
//!
//! Sealed format: `[version = 1][12-byte random nonce][ciphertext ‖ 16-byte tag]`. A wrong key
//! file, a tampered byte or a truncated value all fail to open with [`SecretError::Open`].
//!
//! Neither [`Secrets`] nor anything it returns prints a key: its `Debug` says only where the key
//! file is.
//!
//! ```ignore
//! let sealed = engine.secrets().seal(b"IrdTc8uQ…");   // store this blob
//! let key = engine.secrets().open(&sealed)?;            // read it back to verify a MAC
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;

/// The key file inside a data directory.
pub const KEY_FILE: &str = "secrets.key";

const VERSION: u8 = 1;
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Why the key file could not be used or a sealed value could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("key file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("key file {path} holds {len} bytes; it must hold exactly {KEY_LEN}")]
    BadKeyFile { path: PathBuf, len: usize },
    /// Wrong key, tampered or truncated data: deliberately one case, so nothing leaks which.
    #[error("a stored secret could not be opened (wrong key file or damaged data)")]
    Open,
}

/// The data directory's sealing key. Cheap to clone.
#[derive(Clone)]
pub struct Secrets {
    cipher: ChaCha20Poly1305,
    path: PathBuf,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets").field("key_file", &self.path).finish_non_exhaustive()
    }
}

impl Secrets {
    /// Reads `<data_dir>/secrets.key`, creating it (0600, 32 random bytes) when there is none.
    pub fn open_or_create(data_dir: &Path) -> Result<Secrets, SecretError> {
        let path = data_dir.join(KEY_FILE);
        let io = |source| SecretError::Io { path: path.clone(), source };
        let key = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key_file(&path).map_err(io)?,
            Err(e) => return Err(io(e)),
        };
        if key.len() != KEY_LEN {
            return Err(SecretError::BadKeyFile { path, len: key.len() });
        }
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
        Ok(Secrets { cipher, path })
    }

    /// Seals `plaintext` under the key with a fresh random nonce.
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        // Encryption with ChaCha20-Poly1305 fails only for inputs beyond 256 GiB; a secret is tiny.
        let ciphertext = self.cipher.encrypt(Nonce::from_slice(&nonce), plaintext).unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    /// Opens a value made by [`Secrets::seal`] with the same key file.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SecretError> {
        if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != VERSION {
            return Err(SecretError::Open);
        }
        let (nonce, ciphertext) = sealed[1..].split_at(NONCE_LEN);
        self.cipher.decrypt(Nonce::from_slice(nonce), ciphertext).map_err(|_| SecretError::Open)
    }
}

/// Writes a new random key, owner-only. When another process wins the race to create it, its
/// key is the one read back, so both use the same.
fn create_key_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut key = vec![0u8; KEY_LEN];
    rand::rng().fill_bytes(&mut key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(&key)?;
            file.sync_all()?;
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read(path),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_then_open_gives_the_plaintext_back() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::open_or_create(dir.path()).unwrap();
        let sealed = s.seal(b"IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU");
        assert_eq!(s.open(&sealed).unwrap(), b"IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU");
        // The ciphertext does not contain the plaintext, and two seals differ (random nonce).
        assert!(!sealed.windows(8).any(|w| w == b"IrdTc8uQ"));
        assert_ne!(sealed, s.seal(b"IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU"));
    }

    #[test]
    fn the_key_file_is_kept_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let sealed = Secrets::open_or_create(dir.path()).unwrap().seal(b"k");
        let again = Secrets::open_or_create(dir.path()).unwrap();
        assert_eq!(again.open(&sealed).unwrap(), b"k");
        assert_eq!(std::fs::read(dir.path().join(KEY_FILE)).unwrap().len(), 32);
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        Secrets::open_or_create(dir.path()).unwrap();
        let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn another_key_file_cannot_open_it() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let sealed = Secrets::open_or_create(a.path()).unwrap().seal(b"secret");
        let other = Secrets::open_or_create(b.path()).unwrap();
        assert!(matches!(other.open(&sealed), Err(SecretError::Open)));
    }

    #[test]
    fn every_tampered_byte_and_truncation_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::open_or_create(dir.path()).unwrap();
        let sealed = s.seal(b"secret");
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(matches!(s.open(&bad), Err(SecretError::Open)), "byte {i} flipped was accepted");
        }
        for n in 0..sealed.len() {
            assert!(matches!(s.open(&sealed[..n]), Err(SecretError::Open)), "{n} bytes accepted");
        }
    }

    #[test]
    fn a_key_file_of_the_wrong_length_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), b"short").unwrap();
        assert!(matches!(Secrets::open_or_create(dir.path()), Err(SecretError::BadKeyFile { len: 5, .. })));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::open_or_create(dir.path()).unwrap();
        let key = std::fs::read(dir.path().join(KEY_FILE)).unwrap();
        let shown = format!("{s:?}");
        assert!(shown.contains("secrets.key"));
        assert!(!shown.contains(&hex::encode(&key)));
    }
}
