//! A bounded table of bans: keys banned until a moment, with a note each.
//! Peer ids (`engine.rs`) and addresses (`gate.rs`) are banned this way.

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

    /// Bans `key` until `until`, noting `note`; forgets ended bans.
    pub fn ban(&mut self, key: K, until: Instant, note: V) {
        let now = Instant::now();
        self.until.retain(|_, (end, _)| *end > now);
        if self.until.len() >= self.max
            && let Some(soonest) = self.until.iter().min_by_key(|(_, (end, _))| *end).map(|(key, _)| *key)
        {
            self.until.remove(&soonest);
        }
        self.until.insert(key, (until, note));
    }

    /// Whether `key` is banned now.
    pub fn is_banned(&self, key: &K) -> bool {
        self.until.get(key).is_some_and(|(end, _)| *end > Instant::now())
    }

    /// The notes of the bans in force.
    pub fn notes(&self) -> impl Iterator<Item = &V> {
        let now = Instant::now();
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
        bans.ban(1, now + Duration::from_secs(10), 'a');
        bans.ban(2, now + Duration::from_secs(20), 'b');
        bans.ban(3, now + Duration::from_secs(30), 'c');
        assert!(!bans.is_banned(&1), "the one ending soonest went");
        assert!(bans.is_banned(&2) && bans.is_banned(&3));
        bans.ban(2, now, 'b');
        assert!(!bans.is_banned(&2), "a ban that has ended");
        assert_eq!(bans.notes().collect::<Vec<_>>(), vec![&'c']);
    }
}
