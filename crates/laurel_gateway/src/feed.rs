//! The live event feed of one gateway process: the dispatcher reads the outbox as it grows (the
//! rows every process commits) and publishes each event here; GraphQL subscriptions listen.
//! Nothing here is business state: a subscriber that falls behind misses events (the outbox
//! and the audit log keep them), and the feed starts at the outbox's end when the process does.

use std::sync::Arc;

use laurel_store::OutboxEvent;
use tokio::sync::broadcast;

/// How many events a slow subscriber may fall behind before it misses some.
const CAPACITY: usize = 1024;

/// The feed.
#[derive(Debug, Clone)]
pub struct EventFeed {
    sender: broadcast::Sender<Arc<OutboxEvent>>,
}

impl Default for EventFeed {
    fn default() -> EventFeed {
        EventFeed::new()
    }
}

impl EventFeed {
    /// An empty feed.
    pub fn new() -> EventFeed {
        let (sender, _) = broadcast::channel(CAPACITY);
        EventFeed { sender }
    }

    /// Listens from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<OutboxEvent>> {
        self.sender.subscribe()
    }

    /// Publishes events, in order (no one listening is fine).
    pub fn publish(&self, events: Vec<OutboxEvent>) {
        for e in events {
            let _ = self.sender.send(Arc::new(e));
        }
    }
}
