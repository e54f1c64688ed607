//! A nomination's route (tuyến trình): the units from the proposing unit up to the issuer, and
//! where on its workflow a nomination stands.

use crate::ids::UnitId;
use crate::org::UnitPath;

use super::definition::{StageKind, Workflow};

/// The units a nomination travels through: the proposing unit, every unit above it up to the
/// issuer, and the issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    proposing: UnitPath,
    issuer: UnitPath,
}

/// The issuer is not the proposing unit or one of its ancestors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the issuer {issuer:?} is not on the proposing unit's path")]
pub struct OffRoute {
    /// The issuer.
    pub issuer: Option<UnitId>,
}

impl Route {
    /// The route from the unit at `proposing` up to the unit at `issuer`.
    pub fn new(proposing: UnitPath, issuer: UnitPath) -> Result<Route, OffRoute> {
        let on_path = !issuer.ids().is_empty() && proposing.ids().starts_with(issuer.ids());
        if on_path {
            Ok(Route { proposing, issuer })
        } else {
            Err(OffRoute {
                issuer: issuer.unit(),
            })
        }
    }

    /// The proposing unit's path.
    pub fn proposing(&self) -> &UnitPath {
        &self.proposing
    }

    /// The issuer's path.
    pub fn issuer(&self) -> &UnitPath {
        &self.issuer
    }

    /// How many units lie strictly between the proposing unit and the issuer.
    pub fn level_count(&self) -> usize {
        self.proposing
            .ids()
            .len()
            .saturating_sub(self.issuer.ids().len() + 1)
    }

    /// The path of the `level`-th unit up from the proposing unit (0: its parent), if that unit
    /// lies below the issuer.
    pub fn level(&self, level: usize) -> Option<UnitPath> {
        if level >= self.level_count() {
            return None;
        }
        let len = self.proposing.ids().len() - 1 - level;
        Some(UnitPath(self.proposing.ids()[..len].to_vec()))
    }
}

/// Where a nomination stands: a stage of its workflow and, at an ENDORSE stage, the level on
/// its route.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Position {
    /// Index of the stage in the workflow.
    pub stage: usize,
    /// At an ENDORSE stage, which level up the route (0: the proposing unit's parent).
    pub level: usize,
}

impl Workflow {
    /// Every position in order on `route`: one per stage, and one per level for ENDORSE (none
    /// when the issuer is the proposing unit or its parent).
    pub fn positions(&self, route: &Route) -> Vec<Position> {
        let mut out = Vec::with_capacity(self.stages.len() + route.level_count());
        for (stage, s) in self.stages.iter().enumerate() {
            match s.kind {
                StageKind::Endorse => {
                    out.extend((0..route.level_count()).map(|level| Position { stage, level }));
                }
                StageKind::Submit
                | StageKind::Receive
                | StageKind::Appraise
                | StageKind::PublicNotice
                | StageKind::Consult
                | StageKind::Council
                | StageKind::Sign => out.push(Position { stage, level: 0 }),
            }
        }
        out
    }

    /// The position after `at` on `route`; `None` after the last stage.
    pub fn next(&self, at: Position, route: &Route) -> Option<Position> {
        let positions = self.positions(route);
        let i = positions.iter().position(|p| *p == at)?;
        positions.get(i + 1).copied()
    }

    /// The position before `at` on `route`; `None` at the first stage.
    pub fn previous(&self, at: Position, route: &Route) -> Option<Position> {
        let positions = self.positions(route);
        let i = positions.iter().position(|p| *p == at)?;
        i.checked_sub(1).and_then(|j| positions.get(j).copied())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;
    use uuid::Uuid;

    fn path(ids: &[u128]) -> UnitPath {
        UnitPath(ids.iter().map(|n| UnitId(Uuid::from_u128(*n))).collect())
    }

    #[test]
    fn the_levels_up_are_the_units_strictly_between_bottom_up() {
        // Bộ Công an (1) > Công an tỉnh (2) > Công an huyện (3) > Công an xã (4).
        let route = Route::new(path(&[1, 2, 3, 4]), path(&[1])).unwrap();
        assert_eq!(route.level_count(), 2);
        assert_eq!(route.level(0), Some(path(&[1, 2, 3])));
        assert_eq!(route.level(1), Some(path(&[1, 2])));
        assert_eq!(route.level(2), None);
        let direct = Route::new(path(&[1, 2]), path(&[1])).unwrap();
        assert_eq!(direct.level_count(), 0);
        let itself = Route::new(path(&[1, 2]), path(&[1, 2])).unwrap();
        assert_eq!(itself.level_count(), 0);
    }

    #[test]
    fn an_issuer_off_the_path_is_refused() {
        assert!(Route::new(path(&[1, 2, 3]), path(&[1, 5])).is_err());
        assert!(Route::new(path(&[1, 2]), path(&[1, 2, 3])).is_err());
        assert!(Route::new(path(&[1, 2]), path(&[])).is_err());
    }
}
