//! The background tasks an area starts with the server (sweepers, workers, the outbox deliverer),
//! held so that dropping the handle stops them.

use tokio::task::JoinHandle;

/// An area's running background tasks; dropping this stops them.
#[derive(Debug)]
pub struct Background {
    tasks: Vec<JoinHandle<()>>,
}

impl Background {
    pub fn new(tasks: Vec<JoinHandle<()>>) -> Background {
        Background { tasks }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
