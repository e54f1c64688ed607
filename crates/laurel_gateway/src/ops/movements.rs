//! Emulation movements: launching one, and reading those an actor may see.

use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::AwardKind;
use laurel_domain::events::{Change, Kind, Subject};
use laurel_domain::ids::{MovementId, UnitId};
use laurel_domain::movement::{Movement, MovementDraft};
use laurel_domain::org::UnitPath;
use laurel_domain::rules::CommendationKind;
use laurel_store::{Read, ReadMovements};
use serde_json::json;
use time::{Date, OffsetDateTime};

use super::{Ops, by, recorded};
use crate::edge;
use crate::error::OpsError;

/// Input of [`Ops::launch_movement`], as typed.
#[derive(Debug, Clone)]
pub struct LaunchMovement {
    /// The launching unit.
    pub unit: UnitId,
    /// Its name.
    pub name: String,
    /// The kind of commendation its nominations are.
    pub kind: CommendationKind,
    /// First year of its period.
    pub from_year: i32,
    /// Last year (the first when absent).
    pub to_year: Option<i32>,
    /// What it is about.
    pub theme: Option<String>,
    /// Participating units (each with its subtree); the launching unit when empty.
    pub participants: Vec<UnitId>,
    /// The awards it leads to; any when empty.
    pub offerings: Vec<AwardKind>,
    /// First day of the nomination window.
    pub opens_on: Date,
    /// Last day of the nomination window.
    pub closes_on: Date,
}

impl Ops {
    /// A unit of the administrative tree. A collective registered for a movement from outside it
    /// is a nominee only: it never issues awards, proposes, launches or organises, and no role
    /// is held or delegated at it.
    pub(crate) async fn require_tree_unit<C: laurel_store::Read + laurel_store::ReadMovements>(
        &self,
        conn: &C,
        id: UnitId,
        field: &'static str,
    ) -> Result<laurel_domain::org::Unit, OpsError> {
        let unit = conn.require_unit(id).await?;
        Self::require_tree_units(conn, &[id], field).await?;
        Ok(unit)
    }

    /// Refuses `ids` if any is a collective registered from outside the tree (one statement).
    pub(crate) async fn require_tree_units<C: laurel_store::ReadMovements>(
        conn: &C,
        ids: &[UnitId],
        field: &'static str,
    ) -> Result<(), OpsError> {
        let ids: Vec<_> = ids.iter().map(|u| u.0).collect();
        if conn.external_nominees(&ids).await?.is_empty() {
            return Ok(());
        }
        Err(OpsError::invalid(
            laurel_domain::text::InvalidInput::Refused {
                field,
                why_vi: "Tập thể đăng ký ngoài hệ thống chỉ là đối tượng được khen thưởng: không là cấp khen thưởng, không đề nghị, không phát động, không giữ vai trò",
                why_en: "A collective registered from outside the tree is only nominated: it never issues awards, proposes, launches or holds roles",
            },
        ))
    }

    /// Launches a movement (the launching unit's emulation clerk or signer): checked whole,
    /// stored and audited in one transaction.
    pub async fn launch_movement(
        &self,
        actor: &Actor,
        input: LaunchMovement,
        now: OffsetDateTime,
    ) -> Result<Movement, OpsError> {
        in_tx!(self, |tx| {
            let launcher = tx.require_unit(input.unit).await?;
            actor.authorize(Action::LaunchMovement, &launcher.path)?;
            Self::require_tree_units(tx, &[launcher.id], "unitId").await?;
            let participants = if input.participants.is_empty() {
                vec![launcher.id]
            } else {
                input.participants.clone()
            };
            Self::require_tree_units(tx, &participants, "participantUnitIds").await?;
            let mut paths = Vec::with_capacity(participants.len());
            for unit in &participants {
                paths.push(tx.unit_path(*unit).await?);
            }
            let movement = MovementDraft {
                launched_by: launcher.id,
                name: input.name.clone(),
                kind: input.kind,
                from_year: input.from_year,
                to_year: input.to_year.unwrap_or(input.from_year),
                theme: input.theme.clone(),
                participants,
                offerings: input.offerings.clone(),
                opens_on: input.opens_on,
                closes_on: input.closes_on,
            }
            .check(MovementId(edge::new_id()), &paths)
            .map_err(OpsError::Invalid)?;
            self.printable(&[
                ("name", Some(movement.name.as_str())),
                ("theme", movement.theme.as_deref()),
            ])?;
            tx.insert_movement(&movement, now, actor.account).await?;
            tx.record(&recorded(
                now,
                by(actor),
                launcher.path.clone(),
                Change::new(
                    Subject::Movement(movement.id),
                    Kind::MovementLaunched,
                    json!({
                        "name": movement.name,
                        "kind": movement.kind.code(),
                        "fromYear": movement.from_year,
                        "toYear": movement.to_year,
                        "participants": movement.participants.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        "offerings": movement.offerings.iter().map(|a| a.code()).collect::<Vec<_>>(),
                        "opensOn": movement.opens_on.to_string(),
                        "closesOn": movement.closes_on.to_string(),
                    }),
                ),
            ))
            .await?;
            Ok(movement)
        })
    }

    /// The paths of the units the actor's roles sit at; `None` for an administrator.
    async fn role_paths(&self, actor: &Actor) -> Result<Option<Vec<UnitPath>>, OpsError> {
        let Some(roots) = actor.readable_roots() else {
            return Ok(None);
        };
        Ok(Some(
            self.store
                .units_by_ids(&roots)
                .await?
                .into_iter()
                .map(|u| u.path)
                .collect(),
        ))
    }

    /// The movements the actor sees (launched at, above or below the units of their roles),
    /// latest period first.
    pub async fn movements(&self, actor: &Actor) -> Result<Vec<Movement>, OpsError> {
        let roots = self.role_paths(actor).await?;
        let all = self.store.movements().await?;
        let launchers: Vec<UnitId> = all.iter().map(|m| m.launched_by).collect();
        let paths: std::collections::BTreeMap<UnitId, UnitPath> = self
            .store
            .units_by_ids(&launchers)
            .await?
            .into_iter()
            .map(|u| (u.id, u.path))
            .collect();
        Ok(all
            .into_iter()
            .filter(|m| {
                paths
                    .get(&m.launched_by)
                    .is_some_and(|p| Movement::visible_from(roots.as_deref(), p))
            })
            .collect())
    }

    /// One movement, if the actor sees it.
    pub async fn movement(
        &self,
        actor: &Actor,
        id: MovementId,
    ) -> Result<Option<Movement>, OpsError> {
        let Some(movement) = self.store.movement(id).await? else {
            return Ok(None);
        };
        let launcher = self.store.unit_path(movement.launched_by).await?;
        let roots = self.role_paths(actor).await?;
        Ok(Movement::visible_from(roots.as_deref(), &launcher).then_some(movement))
    }
}

/// A nominee outside the administrative tree, as a participating unit registers it.
#[derive(Debug, Clone)]
pub struct RegisterNominee {
    /// The movement it takes part in.
    pub movement: MovementId,
    /// The participating unit registering it (it is placed under that unit).
    pub unit: UnitId,
    /// A person (a citizen) or a collective (a residential group, a self-management team, an
    /// enterprise, a school).
    pub collective: bool,
    /// Họ và tên, or the collective's name.
    pub name: String,
    /// Where it lives or is (nơi cư trú, địa chỉ).
    pub address: String,
    /// Its organisation, if any (a person's workplace; a collective's parent body).
    pub organisation: Option<String>,
    /// A person's role in the movement (e.g. "Tổ trưởng tổ tự quản"), or a collective's head's
    /// title (e.g. "Tổ trưởng"; "Người đứng đầu" when absent).
    pub position: Option<String>,
}

/// A registered nominee: the person or the unit it is.
#[derive(Debug, Clone)]
pub enum Registered {
    /// A citizen.
    Person(laurel_domain::org::Person),
    /// A collective.
    Unit(laurel_domain::org::Unit),
}

impl Ops {
    /// Registers a nominee outside the administrative tree for a movement (the clerks of a
    /// participating unit, until the movement closes): a person or a unit placed under the
    /// registering unit, with its address; no account. Audited.
    pub async fn register_nominee(
        &self,
        actor: &Actor,
        input: RegisterNominee,
        now: OffsetDateTime,
    ) -> Result<Registered, OpsError> {
        use laurel_domain::org::NewPerson;
        use laurel_domain::text::{bounded_line, optional_line};
        let address = bounded_line(
            "address",
            &input.address,
            laurel_domain::import::ADDRESS_MAX,
        );
        let organisation = optional_line(
            "organisation",
            input.organisation.as_deref(),
            laurel_domain::import::ORGANISATION_MAX,
        );
        let (address, organisation) = match (address, organisation) {
            (Ok(a), Ok(o)) => (a, o),
            (a, o) => {
                return Err(OpsError::Invalid(
                    [a.err(), o.err()].into_iter().flatten().collect(),
                ));
            }
        };
        self.printable(&[
            ("name", Some(input.name.as_str())),
            ("address", Some(address.as_str())),
            ("organisation", organisation.as_deref()),
            ("position", input.position.as_deref()),
        ])?;
        in_tx!(self, |tx| {
            let movement = tx
                .movement(input.movement)
                .await?
                .ok_or(OpsError::NotFound {
                    entity: "movement",
                    id: input.movement.to_string(),
                })?;
            let unit = tx.require_unit(input.unit).await?;
            actor.authorize(Action::RecordPerson, &unit.path)?;
            // Registered groups hold nominees, not other registrations.
            if !tx.external_nominees(&[unit.id.0]).await?.is_empty() {
                return Err(OpsError::invalid(
                    laurel_domain::text::InvalidInput::Malformed {
                        field: "unitId",
                        expected_vi: "một đơn vị tham gia phong trào (không phải một tập thể đã đăng ký ngoài hệ thống)",
                        expected_en: "a participating unit (not a group registered from outside the tree)",
                    },
                ));
            }
            if !movement.takes_part(&unit.path) {
                return Err(OpsError::Movement(
                    laurel_domain::movement::MovementRefusal::NotParticipating,
                ));
            }
            let today = laurel_domain::calendar::local_date(now);
            if today > movement.closes_on {
                return Err(OpsError::Movement(
                    laurel_domain::movement::MovementRefusal::Closed(movement.closes_on),
                ));
            }
            let id = edge::new_id();
            let registered = if input.collective {
                let new = outside_group(&input.name, input.position.as_deref(), unit.id, id)?;
                let created = tx.insert_unit(UnitId(id), new, now).await?;
                tx.record(&group_created(now, actor, &unit.path, &created, false))
                    .await?;
                Registered::Unit(created)
            } else {
                let new =
                    NewPerson::parse(&input.name, None, input.position.as_deref(), None, unit.id)
                        .map_err(OpsError::Invalid)?;
                let person = tx
                    .insert_person(laurel_domain::ids::PersonId(id), new, now)
                    .await?;
                tx.record(&super::org::person_created(now, actor, &person, false))
                    .await?;
                Registered::Person(person)
            };
            let record = outside_record(
                actor,
                id,
                input.collective,
                movement.id,
                address.clone(),
                organisation.clone(),
                now,
            );
            tx.insert_external_nominee(&record).await?;
            tx.record(&nominee_registered(
                now,
                actor,
                &unit,
                &record,
                &input.name,
                false,
            ))
            .await?;
            Ok(registered)
        })
    }
}

/// A group outside the tree, to be placed under `parent` with the id `id`: its code only has
/// to be unique, for it never signs a decision; its head's title is "Người đứng đầu" unless
/// given.
pub(crate) fn outside_group(
    name: &str,
    head_title: Option<&str>,
    parent: UnitId,
    id: uuid::Uuid,
) -> Result<laurel_domain::org::NewUnit, OpsError> {
    let code = format!("NGOAI-{}", &id.simple().to_string()[18..]);
    laurel_domain::org::NewUnit::parse(
        name,
        &code,
        Some(head_title.unwrap_or("Người đứng đầu")),
        None,
        Some(parent),
    )
    .map_err(OpsError::Invalid)
}

/// The audit event of a group outside the tree placed under the unit at `parent`.
pub(crate) fn group_created(
    now: OffsetDateTime,
    actor: &Actor,
    parent: &UnitPath,
    created: &laurel_domain::org::Unit,
    imported: bool,
) -> laurel_domain::events::Recorded {
    let mut details = json!({
        "code": created.code.as_str(),
        "name": created.name,
        "parent": parent.unit().map(|u| u.to_string()),
        "external": true,
    });
    if imported {
        details["imported"] = json!(true);
    }
    recorded(
        now,
        by(actor),
        parent.clone(),
        Change::new(Subject::Unit(created.id), Kind::UnitCreated, details),
    )
}

/// The record that the person or group `id` is a nominee outside the tree, registered for
/// `movement` by `actor`.
pub(crate) fn outside_record(
    actor: &Actor,
    id: uuid::Uuid,
    collective: bool,
    movement: MovementId,
    address: String,
    organisation: Option<String>,
    now: OffsetDateTime,
) -> laurel_store::ExternalNomineeRecord {
    laurel_store::ExternalNomineeRecord {
        id,
        kind: if collective { "COLLECTIVE" } else { "PERSON" }.into(),
        address,
        organisation,
        movement,
        registered_by: actor.account,
        registered_at: now,
    }
}

/// The audit event of a nominee outside the tree registered by `unit` (on the movement).
pub(crate) fn nominee_registered(
    now: OffsetDateTime,
    actor: &Actor,
    unit: &laurel_domain::org::Unit,
    record: &laurel_store::ExternalNomineeRecord,
    name: &str,
    imported: bool,
) -> laurel_domain::events::Recorded {
    let mut details = json!({
        "nominee": record.id.to_string(),
        "kind": record.kind,
        "name": name,
        "unit": unit.id.to_string(),
        "address": record.address,
        "organisation": record.organisation,
    });
    if imported {
        details["imported"] = json!(true);
    }
    recorded(
        now,
        by(actor),
        unit.path.clone(),
        Change::new(
            Subject::Movement(record.movement),
            Kind::ExternalNomineeRegistered,
            details,
        ),
    )
}
