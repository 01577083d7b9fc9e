//! Login sessions: a login makes a random session id, sent to the browser
//! in the `session` cookie and held here (only its BLAKE3 hash, so a lookup
//! leaks no timing about the id). A session ends at logout, after
//! [`IDLE`] without a request, or when [`MAX_SESSIONS`] newer ones push out
//! the least recently used. Sessions live in memory: a restart logs
//! everyone out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A session unused this long has ended.
pub const IDLE: Duration = Duration::from_secs(12 * 3600);
/// Most sessions held at once.
pub const MAX_SESSIONS: usize = 64;

/// The live sessions, shared by every handler.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    live: Arc<Mutex<HashMap<[u8; 32], Instant>>>,
}

fn key(id: &str) -> [u8; 32] {
    *blake3::hash(id.as_bytes()).as_bytes()
}

impl Sessions {
    /// Starts a session; returns its id for the cookie.
    pub fn create(&self) -> String {
        self.create_at(Instant::now())
    }

    /// Whether `id` is a live session; using it keeps it alive.
    pub fn check(&self, id: &str) -> bool {
        self.check_at(id, Instant::now())
    }

    /// Ends the session `id` (nothing if there is none).
    pub fn end(&self, id: &str) {
        self.lock().remove(&key(id));
    }

    /// How many sessions are live.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no session is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Instant>> {
        self.live.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn create_at(&self, now: Instant) -> String {
        let id = hex::encode(rand::random::<[u8; 32]>());
        let mut live = self.lock();
        live.retain(|_, used| now.saturating_duration_since(*used) < IDLE);
        while live.len() >= MAX_SESSIONS {
            let Some(oldest) = live.iter().min_by_key(|(_, used)| **used).map(|(key, _)| *key) else { break };
            live.remove(&oldest);
        }
        live.insert(key(&id), now);
        id
    }

    fn check_at(&self, id: &str, now: Instant) -> bool {
        if id.len() != 64 {
            return false;
        }
        let mut live = self.lock();
        let key = key(id);
        match live.get_mut(&key) {
            Some(used) if now.saturating_duration_since(*used) < IDLE => {
                *used = now;
                true
            }
            Some(_) => {
                live.remove(&key);
                false
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_and_ended_sessions_are_refused() {
        let sessions = Sessions::default();
        let id = sessions.create();
        assert_eq!(id.len(), 64);
        assert!(sessions.check(&id));
        assert!(!sessions.check(&"0".repeat(64)));
        assert!(!sessions.check(""));
        assert_ne!(sessions.create(), id, "random ids");
        sessions.end(&id);
        assert!(!sessions.check(&id));
    }

    #[test]
    fn idle_sessions_expire_and_use_keeps_them() {
        let sessions = Sessions::default();
        let start = Instant::now();
        let id = sessions.create_at(start);
        let nearly = start + IDLE - Duration::from_secs(1);
        assert!(sessions.check_at(&id, nearly), "used before it expires");
        assert!(sessions.check_at(&id, nearly + IDLE - Duration::from_secs(1)), "the use kept it alive");
        assert!(!sessions.check_at(&id, nearly + IDLE * 2), "idle too long");
        assert!(sessions.is_empty(), "an expired session is dropped");
    }

    #[test]
    fn bounded() {
        let sessions = Sessions::default();
        let start = Instant::now();
        let first = sessions.create_at(start);
        let second = sessions.create_at(start + Duration::from_secs(1));
        for i in 0..MAX_SESSIONS {
            sessions.create_at(start + Duration::from_secs(2 + i as u64));
        }
        assert_eq!(sessions.len(), MAX_SESSIONS);
        assert!(!sessions.check_at(&first, start + Duration::from_secs(100)), "the least recently used went");
        assert!(!sessions.check_at(&second, start + Duration::from_secs(100)));
    }
}
