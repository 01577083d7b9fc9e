//! A bounded table of bans: keys banned until a moment, with a note each.
//! Peer ids (`machine.rs`) and addresses (`gate.rs`) are banned this way.
//! It reads no clock: the caller says what time it is.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Instant;

/// At most `max` bans at once; past it the one that ends soonest goes.
#[derive(Debug)]
pub struct Bans<K, V = ()> {
    until: HashMap<K, (Instant, V)>,
    max: usize,
}

impl<K: Hash + Eq + Copy, V> Bans<K, V> {
    /// An empty table of at most `max` bans.
    pub fn new(max: usize) -> Self {
        Self { until: HashMap::new(), max }
    }

    /// Bans `key` until `until`, noting `note`; forgets bans ended by `now`.
    pub fn ban(&mut self, key: K, now: Instant, until: Instant, note: V) {
        self.until.retain(|_, (end, _)| *end > now);
        if self.until.len() >= self.max
            && let Some(soonest) = self.until.iter().min_by_key(|(_, (end, _))| *end).map(|(key, _)| *key)
        {
            self.until.remove(&soonest);
        }
        self.until.insert(key, (until, note));
    }

    /// Whether `key` is banned at `now`.
    pub fn is_banned(&self, key: &K, now: Instant) -> bool {
        self.until.get(key).is_some_and(|(end, _)| *end > now)
    }

    /// The notes of the bans in force at `now`.
    pub fn notes(&self, now: Instant) -> impl Iterator<Item = &V> {
        self.until.values().filter(move |(end, _)| *end > now).map(|(_, note)| note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bans_end_and_the_table_keeps_the_latest_at_its_bound() {
        let mut bans = Bans::new(2);
        let now = Instant::now();
        bans.ban(1, now, now + Duration::from_secs(10), 'a');
        bans.ban(2, now, now + Duration::from_secs(20), 'b');
        bans.ban(3, now, now + Duration::from_secs(30), 'c');
        assert!(!bans.is_banned(&1, now), "the one ending soonest went");
        assert!(bans.is_banned(&2, now) && bans.is_banned(&3, now));
        let later = now + Duration::from_secs(25);
        assert!(!bans.is_banned(&2, later), "a ban that has ended");
        assert_eq!(bans.notes(later).collect::<Vec<_>>(), vec![&'c']);
        bans.ban(4, later, later + Duration::from_secs(10), 'd');
        assert!(bans.is_banned(&3, later), "an ended ban made room: none in force went");
    }
}
