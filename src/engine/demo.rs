//! The demo data an empty data directory starts with: merchant 1, store A1234, terminal T01,
//! products, a partner balance, a gift card program with inactive card stock, demo users.

use super::{Engine, EngineError};

/// Seeds a fresh data directory. Each area seeds its own part.
pub fn seed(engine: &Engine) -> Result<(), EngineError> {
    super::gift::seed_demo(engine)?;
    super::catalog::demo::seed(engine)?;
    super::users::seed_demo(engine)?;
    // The demo cashier's shift is open on the demo till, so the demo can take money at once.
    super::shifts::seed_demo(engine).map_err(|e| EngineError::Config(format!("demo shift: {e}")))?;
    Ok(())
}
