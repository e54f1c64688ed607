//! Live events over WebSocket (`/graphql/ws`, graphql-transport-ws or graphql-ws): the events
//! of the nominations the caller may read, as they are committed by any gateway process.
//! Authorized like queries: each event is shown only if its nomination is readable by the
//! caller when it arrives, and the caller is who its session says when the event arrives: the
//! session is looked up again (its account, roles and delegations), so a subscription ends with
//! `UNAUTHENTICATED` once its session is logged out or expired or its account disabled, and
//! follows role changes as they are made.

use std::sync::Arc;

use async_graphql::futures_util::{Stream, stream};
use async_graphql::{Context, ID, Result, SimpleObject, Subscription};
use laurel_domain::authz::Actor;
use laurel_domain::ids::{NominationId, UnitId};
use laurel_store::OutboxEvent;
use time::OffsetDateTime;
use tokio::sync::broadcast::error::RecvError;

use super::{Session, actor, ops, parse_id, request};
use crate::auth;
use crate::edge::Clock;
use crate::error::OpsError;
use crate::feed::EventFeed;
use crate::ops::Ops;

/// Something that happened to a nomination.
#[derive(SimpleObject, Debug, Clone)]
pub struct NominationEvent {
    /// The event's id (its audit entry).
    pub id: ID,
    /// What happened, e.g. NOMINATION_SUBMITTED.
    pub kind: String,
    /// The nomination.
    pub nomination_id: ID,
    /// When.
    pub at: OffsetDateTime,
    /// Who did it.
    pub actor_id: Option<ID>,
    /// The whole event as webhooks receive it (JSON).
    pub payload: String,
}

fn node(e: &OutboxEvent) -> NominationEvent {
    NominationEvent {
        id: ID(e.event_id.to_string()),
        kind: e.kind.clone(),
        nomination_id: ID(e.entity_id.to_string()),
        at: e.at,
        actor_id: e.actor.map(|a| ID(a.to_string())),
        payload: e.payload.clone(),
    }
}

struct Listener {
    rx: tokio::sync::broadcast::Receiver<Arc<OutboxEvent>>,
    ops: Ops,
    actor: Actor,
    /// The stored form of the session's token, checked again before each event.
    session: String,
    clock: Clock,
    kinds: Option<Vec<String>>,
    unit: Option<UnitId>,
    /// The session ended: the refusal was sent, nothing more comes.
    ended: bool,
}

impl Listener {
    fn new(ctx: &Context<'_>, kinds: Option<Vec<String>>, unit: Option<UnitId>) -> Result<Self> {
        let actor = actor(ctx)?.clone();
        let Session::SignedIn(auth) = &request(ctx)?.session else {
            return Err(OpsError::Unauthenticated(None).into());
        };
        Ok(Listener {
            rx: ctx.data::<Arc<EventFeed>>()?.subscribe(),
            ops: ops(ctx)?.clone(),
            actor,
            session: auth.token_hash.clone(),
            clock: ctx
                .data_opt::<Clock>()
                .cloned()
                .unwrap_or_else(Clock::system),
            kinds,
            unit,
            ended: false,
        })
    }

    /// Looks the session up again: its account's roles and delegations as they are now, or
    /// the refusal that ends the subscription.
    async fn still_signed_in(&mut self) -> Result<(), OpsError> {
        let now = self.clock.now();
        match auth::authenticate_hash(self.ops.store(), self.session.clone(), now).await? {
            Ok(auth) if auth.account.must_change_password => Err(OpsError::PasswordChangeRequired),
            Ok(auth) => {
                self.actor = auth.actor;
                Ok(())
            }
            Err(problem) => Err(OpsError::Unauthenticated(Some(problem))),
        }
    }

    /// The next event this listener may see, or the refusal once its session has ended.
    async fn next(&mut self) -> Option<Result<Arc<OutboxEvent>, OpsError>> {
        if self.ended {
            return None;
        }
        loop {
            let e = match self.rx.recv().await {
                Ok(e) => e,
                // Fell behind: the missed events stay in the audit log.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            };
            if e.entity != "nomination"
                || self.kinds.as_ref().is_some_and(|k| !k.contains(&e.kind))
                || self.unit.is_some_and(|u| !e.scope.contains(u))
            {
                continue;
            }
            match self.still_signed_in().await {
                Ok(()) => {}
                // The database is out of reach: this event is skipped, not the subscription.
                Err(OpsError::Unavailable(_) | OpsError::NoConnection(_) | OpsError::Busy(_)) => {
                    continue;
                }
                Err(refused) => {
                    self.ended = true;
                    return Some(Err(refused));
                }
            }
            if let Ok(Some(_)) = self
                .ops
                .readable_nomination(&self.actor, NominationId(e.entity_id))
                .await
            {
                return Some(Ok(e));
            }
        }
    }
}

/// The root of every subscription.
#[derive(Debug, Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// The events of the nominations you may read, as they are committed: optionally only
    /// these `kinds` (e.g. ["NOMINATION_SUBMITTED"]) and only about this unit's subtree.
    async fn nomination_events(
        &self,
        ctx: &Context<'_>,
        kinds: Option<Vec<String>>,
        unit_id: Option<ID>,
    ) -> Result<impl Stream<Item = Result<NominationEvent>>> {
        let unit = unit_id
            .as_ref()
            .map(|u| parse_id::<UnitId>("unitId", u))
            .transpose()?;
        let listener = Listener::new(ctx, kinds, unit)?;
        Ok(stream::unfold(listener, |mut l| async move {
            let next = l.next().await?;
            Some((next.map(|e| node(&e)).map_err(Into::into), l))
        }))
    }

    /// Changes to your work queue (what waits for you), as they are committed: a nomination
    /// that arrived (`inQueue: true`), changed while there, or left it (`inQueue: false`).
    /// A hint to read `workQueue` again.
    async fn work_queue_changed(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = Result<WorkQueueChange>>> {
        let listener = Listener::new(ctx, None, None)?;
        let mine = queue_of(&listener.ops, &listener.actor).await?;
        Ok(stream::unfold(
            (listener, mine),
            |(mut l, mut mine)| async move {
                loop {
                    let e = match l.next().await? {
                        Ok(e) => e,
                        Err(refused) => return Some((Err(refused.into()), (l, mine))),
                    };
                    if e.entity != "nomination" {
                        continue;
                    }
                    // One indexed lookup per event, not the whole queue again.
                    let Ok(in_queue) = l
                        .ops
                        .in_work_queue(&l.actor, NominationId(e.entity_id))
                        .await
                    else {
                        continue;
                    };
                    let was = if in_queue {
                        !mine.insert(e.entity_id)
                    } else {
                        mine.remove(&e.entity_id)
                    };
                    if in_queue || was {
                        let change = WorkQueueChange {
                            nomination_id: ID(e.entity_id.to_string()),
                            kind: e.kind.clone(),
                            at: e.at,
                            in_queue,
                        };
                        return Some((Ok(change), (l, mine)));
                    }
                }
            },
        ))
    }
}

/// Most queue entries read when subscribing.
const QUEUE_MAX: u64 = 1_000;

async fn queue_of(
    ops: &Ops,
    actor: &Actor,
) -> Result<std::collections::HashSet<uuid::Uuid>, crate::error::OpsError> {
    Ok(ops
        .work_queue(actor, 0, QUEUE_MAX)
        .await?
        .into_iter()
        .map(|r| r.nomination.id.0)
        .collect())
}

/// A change to the caller's work queue.
#[derive(SimpleObject, Debug, Clone)]
pub struct WorkQueueChange {
    /// The nomination.
    pub nomination_id: ID,
    /// The event that revealed the change, e.g. NOMINATION_SUBMITTED (the queue is read when
    /// an event arrives, so it may be one just before the change).
    pub kind: String,
    /// When that event happened.
    pub at: OffsetDateTime,
    /// Whether it waits for you now.
    pub in_queue: bool,
}
