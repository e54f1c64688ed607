//! `laurel seed --demo`: fills an empty database with the five ceremonies of the seed articles
//! (`../shared/seeds/`), replayed through the same operations the API and the console call, each
//! step on its own historic day, so that every authorization, rule, workflow stage, audit entry
//! and decision number is what a real office would have produced. Ceremonies whose reviews
//! overlap run side by side, a day at a time (`Demo::on`), so the audit log's time never goes
//! back.
//!
//! What the articles state is replayed exactly: Bộ Công an's Bằng khen for 10 collectives and the
//! Giám đốc Công an tỉnh Gia Lai's Giấy khen for 18 collectives and individuals (2022); Bộ Công
//! an's Bằng khen for 9 collectives and the provincial People's Committee's emulation flag for 2
//! collectives and Bằng khen for 8 collectives and 12 individuals (2020). Where an article gives no
//! figure (Cửa Lò, Sơn Tây, Kiên Giang) the demo's counts are its own. The units below the
//! province and the people are illustrative, except those the articles name (Đại tá Nguyễn Ngọc
//! Sơn, Phó Giám đốc Công an tỉnh Gia Lai; Nguyễn Phùng Hoan, Phó Chủ tịch UBND tỉnh; Đại tá Phạm
//! Văn Long, Giám đốc Công an tỉnh). Article 002 names no province: its officials and its 20th
//! provincial party congress point to Nam Định, which the demo uses.
//!
//! Along the way, as in life: one nomination withdrawn, one rejected at appraisal, one returned
//! for a corrected report and resubmitted, one returned and still waiting for its unit, one still
//! before the council.

use std::collections::HashMap;

use anyhow::{Context as _, bail};
use laurel_domain::authz::{Actor, Role};
use laurel_domain::award::AwardKind;
use laurel_domain::decision::SignerCapacity;
use laurel_domain::dossier::{self, DocumentKind};
use laurel_domain::ids::{MovementId, NominationId, PersonId, UnitId};
use laurel_domain::nomination::{NominationState, Nominee};
use laurel_domain::rules::CommendationKind;
use laurel_domain::workflow::{AppraisalVerdict, Command, Route, StageKind, Tally};
use laurel_gateway::ops::{
    ActOn, Attachment, CreateAccount, CreateNomination, CreatePerson, CreateProposal, CreateUnit,
    DocumentOwner, LaunchMovement, Ops, RecordPriorAward, SignDecision,
};
use laurel_store::Read as _;
use time::{Date, Duration, OffsetDateTime, Time, Weekday, macros::offset};

/// One demo account, as printed for the user.
#[derive(Debug, Clone)]
pub struct Login {
    /// Its login.
    pub username: String,
    /// Its role's code (`CLERK`, …).
    pub role: &'static str,
    /// The unit it acts for.
    pub unit: String,
}

/// The accounts worth trying first, in the order of a nomination's life (Gia Lai, 2022), with
/// what each does, in Vietnamese and English.
pub const FEATURED: [(&str, &str); 7] = [
    (
        "vanthu.cp",
        "soạn đề nghị, tờ trình của Công an huyện Chư Păh / drafts a district's nominations",
    ),
    ("truong.cp", "trình đề nghị / the district head submits"),
    (
        "giamdoc.cagl",
        "Giám đốc Công an tỉnh Gia Lai: xét, chuyển lên Bộ / endorses up to the ministry",
    ),
    (
        "tdkt.cagl",
        "cán bộ thi đua: tiếp nhận, thẩm định, báo cáo / the emulation office: receives, appraises, reports",
    ),
    (
        "thuky.cagl",
        "thư ký Hội đồng Thi đua - Khen thưởng / the council's secretary",
    ),
    (
        "pgd.son",
        "Phó Giám đốc, ký \"KT. GIÁM ĐỐC\" / the deputy who signs",
    ),
    (
        "tdkt.bca",
        "cán bộ thi đua Bộ Công an / the ministry's emulation office",
    ),
];

/// What `seed --demo` made.
#[derive(Debug)]
pub struct Seeded {
    /// The administrator, with its one-time password.
    pub admin: laurel_gateway::ops::Bootstrapped,
    /// The password every other demo account shares.
    pub password: String,
    /// Every demo account but the administrator, in the order made.
    pub logins: Vec<Login>,
    /// Nominations drafted.
    pub nominations: usize,
    /// Decisions signed.
    pub decisions: usize,
    /// Certificates issued.
    pub certificates: usize,
}

/// Fills an empty database. Refuses one that has accounts already.
pub async fn seed(ops: &Ops) -> anyhow::Result<Seeded> {
    let start = at(day(2020, 5, 4)?);
    let Some(admin) = laurel_gateway::ops::bootstrap_admin(ops.store(), start)
        .await
        .map_err(words)?
    else {
        bail!(
            "cơ sở dữ liệu đã có dữ liệu: chỉ nạp dữ liệu minh họa vào cơ sở dữ liệu trống / the \
             database is not empty: the demo fills an empty one only"
        );
    };
    let admin_actor = actor(ops, &admin.username, start).await?;
    let mut demo = Demo {
        ops,
        admin: admin_actor,
        password: laurel_gateway::auth::new_one_time_password(),
        actors: HashMap::new(),
        logins: Vec::new(),
        units: HashMap::new(),
        nominations: 0,
        decisions: 0,
        certificates: 0,
        runs: Vec::new(),
        clock: start.date(),
    };
    demo.son_tay_2020().await.context("Sơn Tây, 2015–2020")?;
    demo.nam_dinh_2020().await.context("Nam Định, 2020")?;
    demo.gia_lai_2022().await.context("Gia Lai, 2022")?;
    demo.cua_lo_2023().await.context("Cửa Lò, 2013–2023")?;
    demo.kien_giang_2023()
        .await
        .context("Kiên Giang, 2013–2023")?;
    demo.finish().await?;
    Ok(Seeded {
        admin,
        password: demo.password,
        logins: demo.logins,
        nominations: demo.nominations,
        decisions: demo.decisions,
        certificates: demo.certificates,
    })
}

fn words(e: laurel_gateway::error::OpsError) -> anyhow::Error {
    let (vi, en) = e.messages();
    anyhow::anyhow!("{vi} / {en}")
}

fn day(year: i32, month: u8, d: u8) -> anyhow::Result<Date> {
    Ok(Date::from_calendar_date(
        year,
        time::Month::try_from(month)?,
        d,
    )?)
}

/// 9:00 in Asia/Ho_Chi_Minh on `date`.
fn at(date: Date) -> OffsetDateTime {
    date.with_time(Time::from_hms(9, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_offset(offset!(+7))
}

/// The next weekday after `date`.
fn next_workday(date: Date) -> Date {
    let mut next = date + Duration::days(1);
    while matches!(next.weekday(), Weekday::Saturday | Weekday::Sunday) {
        next += Duration::days(1);
    }
    next
}

async fn actor(ops: &Ops, username: &str, now: OffsetDateTime) -> anyhow::Result<Actor> {
    laurel_gateway::auth::actor_for_login(ops.store(), username, now)
        .await
        .map_err(words)?
        .with_context(|| format!("no account {username}"))
}

/// The person who signs for an issuer, and their account.
struct Signer {
    username: &'static str,
    name: &'static str,
    rank: Option<&'static str>,
    position: &'static str,
}

/// One tờ trình: the unit that proposes and what it proposes.
struct Proposal {
    unit: &'static str,
    number: &'static str,
    nominees: Vec<Nominee>,
}

/// What happens to one nomination besides going straight through.
#[derive(Clone)]
enum Twist {
    /// The proposing unit withdraws it before the issuer acts.
    Withdraw(&'static str),
    /// The office returns it at reception for a corrected report; the unit resubmits.
    ReturnAndResubmit(&'static str),
    /// The office returns it at reception; the unit has not answered yet.
    ReturnAndWait(&'static str),
    /// Rejected at appraisal.
    Reject(&'static str),
    /// Still before the council when the others are signed.
    HoldInCouncil,
}

/// One award of one issuer for one period, from the tờ trình to the printed certificates.
struct Ceremony {
    issuer: &'static str,
    award: AwardKind,
    period: i32,
    kind: CommendationKind,
    movement: Option<MovementId>,
    achievement: &'static str,
    drafted: Date,
    signed: Date,
    capacity: SignerCapacity,
    signer_title: &'static str,
    proposals: Vec<Proposal>,
    /// By (proposal index, nominee index).
    twists: Vec<((usize, usize), Twist)>,
}

struct Demo<'a> {
    ops: &'a Ops,
    admin: Actor,
    password: String,
    /// The demo's accounts by (role, unit): whoever a stage waits for.
    actors: HashMap<(Role, UnitId), Actor>,
    logins: Vec<Login>,
    units: HashMap<&'static str, UnitId>,
    nominations: usize,
    decisions: usize,
    certificates: usize,
    /// The ceremonies under way.
    runs: Vec<Run>,
    /// The latest day anything was recorded on: nothing may be recorded before it.
    clock: Date,
}

impl Demo<'_> {
    fn unit_id(&self, code: &str) -> anyhow::Result<UnitId> {
        self.units
            .get(code)
            .copied()
            .with_context(|| format!("no demo unit {code}"))
    }

    async fn unit(
        &mut self,
        name: &str,
        code: &'static str,
        head_title: &str,
        parent: Option<&str>,
        when: Date,
    ) -> anyhow::Result<UnitId> {
        let parent = parent.map(|p| self.unit_id(p)).transpose()?;
        let now = self.on(when).await?;
        let unit = self
            .ops
            .create_unit(
                &self.admin,
                CreateUnit {
                    name: name.into(),
                    code: code.into(),
                    head_title: Some(head_title.into()),
                    place: None,
                    parent,
                },
                now,
            )
            .await
            .map_err(words)?;
        self.units.insert(code, unit.id);
        Ok(unit.id)
    }

    async fn person(
        &mut self,
        name: &str,
        rank: Option<&str>,
        position: &str,
        unit: &str,
        when: Date,
    ) -> anyhow::Result<PersonId> {
        let now = self.on(when).await?;
        let person = self
            .ops
            .create_person(
                &self.admin,
                CreatePerson {
                    full_name: name.into(),
                    rank: rank.map(Into::into),
                    position: Some(position.into()),
                    recruited_on: None,
                    unit: self.unit_id(unit)?,
                },
                now,
            )
            .await
            .map_err(words)?;
        Ok(person.id)
    }

    /// An account with one role at `unit`, sharing the demo password.
    async fn account(
        &mut self,
        username: &str,
        role: Role,
        unit: &str,
        person: Option<PersonId>,
        when: Date,
    ) -> anyhow::Result<()> {
        let now = self.on(when).await?;
        let unit_id = self.unit_id(unit)?;
        let account = self
            .ops
            .create_account(
                &self.admin,
                CreateAccount {
                    username: username.into(),
                    password: self.password.clone(),
                    display_name: None,
                    person,
                    must_change_password: false,
                    email: None,
                },
                now,
            )
            .await
            .map_err(words)?;
        self.ops
            .grant_role(&self.admin, account.id, role, Some(unit_id), now)
            .await
            .map_err(words)?;
        let actor = actor(self.ops, username, now).await?;
        if self.actors.insert((role, unit_id), actor).is_some() {
            bail!("the demo has two {} accounts at {unit}", role.code());
        }
        self.logins.push(Login {
            username: username.into(),
            role: role.code(),
            unit: unit.into(),
        });
        Ok(())
    }

    /// The office (clerk), the council's secretary and the signer of an issuer.
    async fn issuer_staff(
        &mut self,
        code: &'static str,
        signer: Signer,
        when: Date,
    ) -> anyhow::Result<()> {
        let lower = code.to_lowercase();
        self.account(&format!("tdkt.{lower}"), Role::Clerk, code, None, when)
            .await?;
        self.account(
            &format!("thuky.{lower}"),
            Role::CouncilSecretary,
            code,
            None,
            when,
        )
        .await?;
        let person = self
            .person(signer.name, signer.rank, signer.position, code, when)
            .await?;
        self.account(signer.username, Role::Signer, code, Some(person), when)
            .await
    }

    /// The clerk and the head of a unit that proposes.
    async fn proposer_staff(&mut self, code: &'static str, when: Date) -> anyhow::Result<()> {
        let lower = code.to_lowercase();
        self.account(&format!("vanthu.{lower}"), Role::Clerk, code, None, when)
            .await?;
        self.account(&format!("truong.{lower}"), Role::UnitHead, code, None, when)
            .await
    }

    fn who(&self, role: Role, unit: UnitId) -> anyhow::Result<&Actor> {
        self.actors
            .get(&(role, unit))
            .with_context(|| format!("the demo has no {} at unit {unit}", role.code()))
    }

    async fn launch(
        &mut self,
        by: &str,
        name: &str,
        kind: CommendationKind,
        years: (i32, i32),
        offerings: Vec<AwardKind>,
        window: (Date, Date),
    ) -> anyhow::Result<MovementId> {
        let now = self.on(window.0).await?;
        let unit = self.unit_id(by)?;
        let launcher = self.who(Role::Clerk, unit)?;
        let movement = self
            .ops
            .launch_movement(
                launcher,
                LaunchMovement {
                    unit,
                    name: name.into(),
                    kind,
                    from_year: years.0,
                    to_year: Some(years.1),
                    theme: Some("Phong trào toàn dân bảo vệ an ninh Tổ quốc".into()),
                    participants: vec![unit],
                    offerings,
                    opens_on: window.0,
                    closes_on: window.1,
                },
                now,
            )
            .await
            .map_err(words)?;
        Ok(movement.id)
    }

    /// A report made as an XLSX workbook: the demo's stand-in for a scanned document.
    fn document(title: &str, lines: &[String]) -> anyhow::Result<Vec<u8>> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_column_width(0, 100)?;
        sheet.write_string(0, 0, title)?;
        for (i, line) in lines.iter().enumerate() {
            sheet.write_string(u32::try_from(i + 2)?, 0, line)?;
        }
        Ok(book.save_to_buffer()?)
    }

    async fn attach(
        &self,
        by: &Actor,
        owner: DocumentOwner,
        kind: DocumentKind,
        lines: &[String],
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let content = Self::document(kind.name_vi(), lines)?;
        self.ops
            .attach_document(
                by,
                Attachment {
                    owner,
                    kind,
                    filename: format!("{}.xlsx", kind.code().to_lowercase()),
                    content,
                },
                now,
            )
            .await
            .map_err(words)?;
        Ok(())
    }

    /// One command on a nomination at its current version.
    async fn act(
        &self,
        by: &Actor,
        id: NominationId,
        command: Command,
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let record = self.record(id).await?;
        self.ops
            .act(
                by,
                ActOn {
                    id,
                    expected_version: record.nomination.version(),
                    command,
                },
                now,
            )
            .await
            .map_err(words)?;
        Ok(())
    }

    async fn record(&self, id: NominationId) -> anyhow::Result<laurel_store::NominationRecord> {
        self.ops
            .store()
            .nomination(id)
            .await?
            .with_context(|| format!("nomination {id} vanished"))
    }

    /// Whom a nomination waits for, and at which stage.
    async fn waiting(&self, id: NominationId) -> anyhow::Result<Option<(Role, UnitId, StageKind)>> {
        let record = self.record(id).await?;
        let n = &record.nomination;
        if n.state() != NominationState::Submitted {
            return Ok(None);
        }
        let wf = self
            .ops
            .workflows()
            .get(&n.workflow)
            .context("a nomination pinned to an unknown workflow")?;
        let issuer = self.ops.store().unit_path(n.issuer).await?;
        let route = Route::new(record.proposing_path.clone(), issuer)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let stage = wf.stage(n.progress().position.stage).kind;
        match laurel_domain::workflow::waiting_for(wf, n, &route) {
            None => Ok(None),
            Some((role, _, path)) => {
                let unit = path
                    .unit()
                    .with_context(|| format!("nomination {id} waits at no unit"))?;
                Ok(Some((role, unit, stage)))
            }
        }
    }

    /// Schedules one ceremony: drafts and proposals, the review stage by stage on working days,
    /// the decision and the certificates. It runs beside the others, each step on its day, as
    /// [`Demo::on`] moves the calendar on (and [`Demo::finish`] at the end).
    fn ceremony(&mut self, c: Ceremony) -> anyhow::Result<()> {
        if c.drafted < self.clock {
            bail!(
                "{}'s ceremony is drafted on {}, before {} already recorded",
                c.issuer,
                c.drafted,
                self.clock
            );
        }
        let issuer = self.unit_id(c.issuer)?;
        self.runs.push(Run {
            next: c.drafted,
            issuer,
            phase: Phase::Draft,
            all: Vec::new(),
            pending_resubmit: Vec::new(),
            scripted: HashMap::new(),
            rounds: 0,
            c,
        });
        Ok(())
    }

    /// `date` at 9:00, once every scheduled step before that day has run: what happens on
    /// `date` is recorded after everything before it, so the audit log's time never goes back.
    async fn on(&mut self, date: Date) -> anyhow::Result<OffsetDateTime> {
        if date < self.clock {
            bail!(
                "the demo records {date} after {}: time would go back",
                self.clock
            );
        }
        loop {
            // The earliest step before `date` (the earlier scheduled on a tie).
            let Some(first) = (0..self.runs.len())
                .filter(|i| self.runs[*i].next < date)
                .min_by_key(|i| (self.runs[*i].next, *i))
            else {
                self.clock = self.clock.max(date);
                return Ok(at(date));
            };
            let mut run = self.runs.remove(first);
            self.clock = run.next;
            let issuer = run.c.issuer;
            self.step(&mut run)
                .await
                .with_context(|| format!("{issuer}, {}", run.c.award.name_vi()))?;
            if run.phase != Phase::Done {
                self.runs.insert(first, run);
            }
        }
    }

    /// Runs every scheduled step to its end.
    async fn finish(&mut self) -> anyhow::Result<()> {
        self.on(Date::MAX).await?;
        Ok(())
    }

    /// One day of a ceremony: what it does on `run.next`, then the day of its next step.
    async fn step(&mut self, run: &mut Run) -> anyhow::Result<()> {
        let today = run.next;
        let now = at(today);
        match run.phase {
            Phase::Draft => {
                self.draft(run, now).await?;
                // The heads submit the next working day.
                run.phase = Phase::Submit;
                run.next = next_workday(today);
            }
            Phase::Submit => {
                for (id, _, unit) in &run.all {
                    let head = self.who(Role::UnitHead, *unit)?.clone();
                    self.act(&head, *id, Command::Submit, now).await?;
                }
                run.phase = Phase::Review;
                run.next = next_workday(today);
            }
            // Then one stage a working day, each by whoever it waits for.
            Phase::Review => {
                let moved = self.review(run, today).await?;
                run.rounds += 1;
                if (!moved && run.pending_resubmit.is_empty()) || run.rounds == 60 {
                    // The signer signs on the ceremony's day; a review that ran past it is a
                    // mistake in the script's dates.
                    if next_workday(today) > run.c.signed {
                        bail!(
                            "the review of {} ran until {today}, past its signing day {}",
                            run.c.issuer,
                            run.c.signed
                        );
                    }
                    run.phase = Phase::Sign;
                    run.next = run.c.signed;
                } else {
                    run.next = next_workday(today);
                }
            }
            Phase::Sign => {
                self.sign(run, now).await?;
                run.phase = Phase::Done;
            }
            Phase::Done => {}
        }
        Ok(())
    }

    /// The drafts and the proposals of a ceremony, with their dossiers.
    async fn draft(&mut self, run: &mut Run, now: OffsetDateTime) -> anyhow::Result<()> {
        let c = &run.c;
        let ruleset = self
            .ops
            .ruleset_for_period(c.period)
            .map_err(words)?
            .award(c.award)
            .clone();
        let shared = dossier::required_at_reception(&ruleset, c.kind);
        for (p, proposal) in c.proposals.iter().enumerate() {
            let unit = self.unit_id(proposal.unit)?;
            let clerk = self.who(Role::Clerk, unit)?.clone();
            let mut drafted = Vec::new();
            for (i, nominee) in proposal.nominees.iter().enumerate() {
                let record = self
                    .ops
                    .create_nomination(
                        &clerk,
                        CreateNomination {
                            nominee: *nominee,
                            award: c.award,
                            issuer: run.issuer,
                            period: c.period,
                            achievement: c.achievement.into(),
                            kind: Some(c.kind),
                            movement: c.movement,
                        },
                        now,
                    )
                    .await
                    .map_err(words)?;
                self.nominations += 1;
                let twist = c
                    .twists
                    .iter()
                    .find(|(at, _)| *at == (p, i))
                    .map(|(_, t)| t.clone());
                drafted.push((record.nomination.id, record.nomination.version()));
                run.all.push((record.nomination.id, twist, unit));
            }
            let created = self
                .ops
                .create_proposal(
                    &clerk,
                    CreateProposal {
                        proposing_unit: unit,
                        issuer: run.issuer,
                        number: Some(proposal.number.into()),
                        proposed_on: Some(now.date()),
                        signer_name: None,
                        signer_title: None,
                        nominations: drafted.clone(),
                    },
                    now,
                )
                .await
                .map_err(words)?;
            let summary = vec![
                format!("Số: {}", proposal.number),
                format!("Đề nghị tặng {} năm {}", c.award.name_vi(), c.period),
                format!("Số lượng: {}", drafted.len()),
                c.achievement.to_string(),
            ];
            for kind in &shared {
                if *kind != DocumentKind::BaoCaoThanhTich {
                    self.attach(
                        &clerk,
                        DocumentOwner::Proposal(created.id),
                        *kind,
                        &summary,
                        now,
                    )
                    .await?;
                }
            }
            for (id, _) in &drafted {
                self.attach(
                    &clerk,
                    DocumentOwner::Nomination(*id),
                    DocumentKind::BaoCaoThanhTich,
                    &[c.achievement.to_string()],
                    now,
                )
                .await?;
            }
        }
        Ok(())
    }

    /// One working day of a ceremony's review: each nomination moves one stage, by whoever it
    /// waits for, or plays its twist. Whether anything moved (or still waits for its days).
    async fn review(&mut self, run: &mut Run, today: Date) -> anyhow::Result<bool> {
        let now = at(today);
        let c = &run.c;
        for (id, unit) in std::mem::take(&mut run.pending_resubmit) {
            let clerk = self.who(Role::Clerk, unit)?.clone();
            self.attach(
                &clerk,
                DocumentOwner::Nomination(id),
                DocumentKind::BaoCaoThanhTich,
                &[format!("{} (bản đã bổ sung xác nhận)", c.achievement)],
                now,
            )
            .await?;
            let head = self.who(Role::UnitHead, unit)?.clone();
            self.act(&head, id, Command::Resubmit, now).await?;
        }
        let mut moved = false;
        for (id, twist, unit) in &mut run.all {
            let Some((role, at_unit, stage)) = self.waiting(*id).await? else {
                continue;
            };
            let by = self.who(role, at_unit)?.clone();
            let command = match (stage, twist.clone()) {
                (_, Some(Twist::Withdraw(reason))) => {
                    *twist = None;
                    run.scripted.insert(*id, Some(NominationState::Withdrawn));
                    let clerk = self.who(Role::Clerk, *unit)?.clone();
                    self.act(
                        &clerk,
                        *id,
                        Command::Withdraw {
                            reason: reason.into(),
                        },
                        now,
                    )
                    .await?;
                    moved = true;
                    continue;
                }
                (StageKind::Receive, Some(Twist::ReturnAndResubmit(reason))) => {
                    *twist = None;
                    run.scripted.insert(*id, None); // back on its way to SIGN
                    run.pending_resubmit.push((*id, *unit));
                    Command::Return {
                        reasons: vec![reason.into()],
                        missing: vec![DocumentKind::BaoCaoThanhTich],
                    }
                }
                (StageKind::Receive, Some(Twist::ReturnAndWait(reason))) => {
                    *twist = None;
                    run.scripted.insert(*id, Some(NominationState::Returned));
                    Command::Return {
                        reasons: vec![reason.into()],
                        missing: vec![DocumentKind::BaoCaoThanhTich],
                    }
                }
                (StageKind::Appraise, Some(Twist::Reject(reason))) => {
                    *twist = None;
                    run.scripted.insert(*id, Some(NominationState::Rejected));
                    Command::Reject {
                        reason: reason.into(),
                    }
                }
                (StageKind::Council, Some(Twist::HoldInCouncil)) | (StageKind::Sign, _) => {
                    continue;
                }
                (StageKind::Submit, _) => Command::Submit,
                (StageKind::Endorse, _) => Command::Endorse { note: None },
                (StageKind::Receive, _) => Command::Receive,
                (StageKind::Appraise, _) => Command::Appraise {
                    verdict: AppraisalVerdict::Eligible,
                    notes: "Đủ điều kiện, hồ sơ đầy đủ".into(),
                },
                (StageKind::PublicNotice, _) => {
                    let closes = self
                        .record(*id)
                        .await?
                        .nomination
                        .progress()
                        .notice_closes_on;
                    if closes.is_some_and(|last| today <= last) {
                        moved = true; // still posted: wait for its days
                        continue;
                    }
                    Command::CloseNotice
                }
                (StageKind::Consult, _) => Command::CloseConsultation,
                (StageKind::Council, _) => Command::RecordCouncil {
                    tally: Tally {
                        members: 9,
                        present: 9,
                        votes_for: 9,
                        votes_against: 0,
                        abstentions: 0,
                        written_for: 0,
                        written_against: 0,
                    },
                },
            };
            self.act(&by, *id, command, now).await?;
            moved = true;
        }
        Ok(moved)
    }

    /// The signing day: every nomination is where its story says, the decision is signed and
    /// its certificates issued.
    async fn sign(&mut self, run: &mut Run, now: OffsetDateTime) -> anyhow::Result<()> {
        // At SIGN, or held, returned, withdrawn or rejected as scripted (a twist that never
        // happened is a mistake in the script).
        let mut listed = Vec::new();
        for (id, twist, _) in &run.all {
            let state = self.record(*id).await?.nomination.state();
            let waiting = self.waiting(*id).await?;
            let expected = match twist {
                None => match (run.scripted.get(id).copied().flatten(), waiting) {
                    (None, Some((Role::Signer, _, StageKind::Sign))) => {
                        listed.push((*id, self.record(*id).await?.nomination.version()));
                        true
                    }
                    (Some(end), _) => end == state,
                    (None, _) => false,
                },
                Some(Twist::HoldInCouncil) => {
                    matches!(waiting, Some((_, _, StageKind::Council)))
                }
                Some(_) => false,
            };
            if !expected {
                bail!(
                    "nomination {id} of {} ended the review {state:?} at {waiting:?}, not as scripted",
                    run.c.issuer
                );
            }
        }
        let signer = self.who(Role::Signer, run.issuer)?.clone();
        let decision = self
            .ops
            .sign_decision(
                &signer,
                SignDecision {
                    nominations: listed,
                    proposal: None,
                    capacity: run.c.capacity,
                    signer_title: Some(run.c.signer_title.into()),
                },
                now,
            )
            .await
            .map_err(words)?;
        self.decisions += 1;
        let office = self.who(Role::Clerk, run.issuer)?.clone();
        let certificates = self
            .ops
            .issue_certificates(&office, decision.id, now)
            .await
            .map_err(words)?;
        self.certificates += certificates.len();
        Ok(())
    }
}

/// Where a scheduled ceremony is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Drafting its nominations and proposals.
    Draft,
    /// The units' heads submit.
    Submit,
    /// One stage a working day.
    Review,
    /// The signer signs, the office issues the certificates.
    Sign,
    /// Over.
    Done,
}

/// A ceremony under way.
struct Run {
    c: Ceremony,
    issuer: UnitId,
    phase: Phase,
    /// The day of its next step.
    next: Date,
    /// Its nominations: each with the twist still to play and its proposing unit.
    all: Vec<(NominationId, Option<Twist>, UnitId)>,
    /// Returned for a corrected report: resubmitted on the next working day.
    pending_resubmit: Vec<(NominationId, UnitId)>,
    /// What each twist, once played, leaves the nomination as.
    scripted: HashMap<NominationId, Option<NominationState>>,
    /// Review days so far.
    rounds: usize,
}

/// A district (or a commune-level unit) with the units under it and the people it proposes.
struct Local {
    name: &'static str,
    code: &'static str,
    head_title: &'static str,
    children: &'static [(&'static str, &'static str)],
    /// (name, rank, position, the child they work in: its index, or none for the local itself).
    people: &'static [(
        &'static str,
        Option<&'static str>,
        &'static str,
        Option<usize>,
    )],
}

const ACHIEVEMENT_2020: &str =
    "Đã có thành tích xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2020";
const ACHIEVEMENT_2022: &str =
    "Đã có thành tích xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2022";
const ACHIEVEMENT_ST: &str = "Đã có thành tích xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2015–2020";
const ACHIEVEMENT_09: &str = "Đã có thành tích xuất sắc trong 10 năm thực hiện Chương trình phối hợp số 09/CTr-BCA-MTTW về đẩy mạnh phong trào toàn dân bảo vệ an ninh Tổ quốc trong tình hình mới (2013–2023)";

const UNIT_POLICE_HEAD: &str = "Trưởng Công an";

impl Demo<'_> {
    /// Makes the locals under `parent`, their children and people, and the clerk and head of
    /// each local. Returns per local: (its unit, its children, its people).
    async fn locals(
        &mut self,
        parent: &str,
        locals: &[Local],
        when: Date,
    ) -> anyhow::Result<Vec<(UnitId, Vec<UnitId>, Vec<PersonId>)>> {
        let mut out = Vec::new();
        for local in locals {
            let id = self
                .unit(local.name, local.code, local.head_title, Some(parent), when)
                .await?;
            let mut children = Vec::new();
            for (name, code) in local.children {
                children.push(
                    self.unit(name, code, local.head_title, Some(local.code), when)
                        .await?,
                );
            }
            let mut people = Vec::new();
            for (name, rank, position, child) in local.people {
                let code = match child {
                    None => local.code,
                    Some(i) => {
                        local
                            .children
                            .get(*i)
                            .with_context(|| format!("{name}: {} has no child {i}", local.code))?
                            .1
                    }
                };
                people.push(self.person(name, *rank, position, code, when).await?);
            }
            self.proposer_staff(local.code, when).await?;
            out.push((id, children, people));
        }
        Ok(out)
    }

    /// Bộ Công an, its emulation office, council secretary and a Thứ trưởng signing "KT. BỘ
    /// TRƯỞNG" (made once, with the first ceremony that needs it).
    async fn ministry(&mut self, when: Date) -> anyhow::Result<()> {
        if self.units.contains_key("BCA") {
            return Ok(());
        }
        self.unit("Bộ Công an", "BCA", "Bộ trưởng", None, when)
            .await?;
        self.issuer_staff(
            "BCA",
            Signer {
                username: "thutruong.bca",
                name: "Lê Văn Minh",
                rank: Some("Trung tướng"),
                position: "Thứ trưởng",
            },
            when,
        )
        .await
    }

    /// Article 001 (Sơn Tây, 19/08/2020): a five-year review; the article gives no figures, the
    /// demo's are its own.
    async fn son_tay_2020(&mut self) -> anyhow::Result<()> {
        let when = day(2020, 5, 4)?;
        self.unit(
            "Ủy ban nhân dân thị xã Sơn Tây",
            "UBND-ST",
            "Chủ tịch",
            None,
            when,
        )
        .await?;
        self.issuer_staff(
            "UBND-ST",
            Signer {
                username: "chutich.ubnd-st",
                name: "Nguyễn Văn Khải",
                rank: None,
                position: "Chủ tịch",
            },
            when,
        )
        .await?;
        const LOCALS: [Local; 3] = [
            Local {
                name: "Ủy ban nhân dân phường Quang Trung",
                code: "ST-QT",
                head_title: "Chủ tịch",
                children: &[],
                people: &[("Đỗ Văn Hùng", None, "Tổ trưởng tổ dân phố số 5", None)],
            },
            Local {
                name: "Ủy ban nhân dân phường Ngô Quyền",
                code: "ST-NQ",
                head_title: "Chủ tịch",
                children: &[],
                people: &[(
                    "Nguyễn Thị Hạnh",
                    None,
                    "Chi hội trưởng Chi hội Phụ nữ",
                    None,
                )],
            },
            Local {
                name: "Ủy ban nhân dân phường Trung Hưng",
                code: "ST-TH",
                head_title: "Chủ tịch",
                children: &[],
                people: &[("Kiều Văn Bình", None, "Trưởng ban bảo vệ dân phố", None)],
            },
        ];
        let locals = self.locals("UBND-ST", &LOCALS, when).await?;
        let movement = self
            .launch(
                "UBND-ST",
                "Toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2015–2020",
                CommendationKind::TheoDotChuyenDe,
                (2015, 2020),
                vec![AwardKind::GiayKhen],
                (day(2020, 6, 1)?, day(2020, 7, 31)?),
            )
            .await?;
        let proposals = LOCALS
            .iter()
            .zip(&locals)
            .map(|(local, (id, _, people))| Proposal {
                unit: local.code,
                number: "12/TTr-UBND",
                nominees: std::iter::once(Nominee::Collective(*id))
                    .chain(people.iter().map(|p| Nominee::Person(*p)))
                    .collect(),
            })
            .collect();
        self.ceremony(Ceremony {
            issuer: "UBND-ST",
            award: AwardKind::GiayKhen,
            period: 2020,
            kind: CommendationKind::TheoDotChuyenDe,
            movement: Some(movement),
            achievement: ACHIEVEMENT_ST,
            drafted: day(2020, 7, 6)?,
            signed: day(2020, 8, 10)?,
            capacity: SignerCapacity::Direct,
            signer_title: "Chủ tịch",
            proposals,
            twists: Vec::new(),
        })?;
        Ok(())
    }

    /// Article 002 (the province, 10/12/2020): "Bộ Công an đã tặng Bằng khen cho 9 tập thể; UBND
    /// tỉnh tặng Cờ đơn vị dẫn đầu phong trào thi đua toàn dân bảo vệ ANTQ cho 2 tập thể, tặng
    /// Bằng khen cho 8 tập thể, 12 cá nhân".
    async fn nam_dinh_2020(&mut self) -> anyhow::Result<()> {
        let when = day(2020, 9, 1)?;
        self.ministry(when).await?;
        // The provincial police: the Giám đốc endorses what goes up to the ministry.
        self.unit(
            "Công an tỉnh Nam Định",
            "CAND",
            "Giám đốc",
            Some("BCA"),
            when,
        )
        .await?;
        let long = self
            .person("Phạm Văn Long", Some("Đại tá"), "Giám đốc", "CAND", when)
            .await?;
        self.account("giamdoc.cand", Role::UnitHead, "CAND", Some(long), when)
            .await?;
        self.account("tdkt.cand", Role::Clerk, "CAND", None, when)
            .await?;
        const POLICE: [Local; 3] = [
            Local {
                name: "Công an thành phố Nam Định",
                code: "ND-TP",
                head_title: UNIT_POLICE_HEAD,
                children: &[
                    ("Công an phường Trần Hưng Đạo", "ND-TP-THD"),
                    ("Công an phường Lộc Hạ", "ND-TP-LH"),
                ],
                people: &[],
            },
            Local {
                name: "Công an huyện Hải Hậu",
                code: "ND-HH",
                head_title: UNIT_POLICE_HEAD,
                children: &[
                    ("Công an xã Hải Bắc", "ND-HH-HB"),
                    ("Công an thị trấn Yên Định", "ND-HH-YD"),
                ],
                people: &[],
            },
            Local {
                name: "Công an huyện Giao Thủy",
                code: "ND-GT",
                head_title: UNIT_POLICE_HEAD,
                children: &[
                    ("Công an xã Giao Thiện", "ND-GT-GT"),
                    ("Công an thị trấn Quất Lâm", "ND-GT-QL"),
                ],
                people: &[],
            },
        ];
        let police = self.locals("CAND", &POLICE, when).await?;
        let police_movement = self
            .launch(
                "CAND",
                "Toàn dân bảo vệ an ninh Tổ quốc năm 2020 (Công an tỉnh Nam Định)",
                CommendationKind::ThuongXuyen,
                (2020, 2020),
                vec![AwardKind::BangKhenBoTinh],
                (day(2020, 9, 1)?, day(2020, 11, 30)?),
            )
            .await?;
        // The provincial People's Committee and its districts and communes.
        self.unit(
            "Ủy ban nhân dân tỉnh Nam Định",
            "UBND-ND",
            "Chủ tịch",
            None,
            when,
        )
        .await?;
        self.issuer_staff(
            "UBND-ND",
            Signer {
                username: "pct.hoan",
                name: "Nguyễn Phùng Hoan",
                rank: None,
                position: "Phó Chủ tịch",
            },
            when,
        )
        .await?;
        const DISTRICTS: [Local; 4] = [
            Local {
                name: "Ủy ban nhân dân thành phố Nam Định",
                code: "NDU-TP",
                head_title: "Chủ tịch",
                children: &[
                    ("Ủy ban nhân dân phường Trần Hưng Đạo", "NDU-TP-THD"),
                    ("Ủy ban nhân dân phường Lộc Hạ", "NDU-TP-LH"),
                ],
                people: &[
                    ("Trần Văn Thịnh", None, "Tổ trưởng tổ dân phố số 3", Some(0)),
                    (
                        "Vũ Thị Thu Hương",
                        None,
                        "Chi hội trưởng Chi hội Phụ nữ",
                        Some(0),
                    ),
                    (
                        "Nguyễn Đức Toàn",
                        None,
                        "Trưởng ban bảo vệ dân phố",
                        Some(1),
                    ),
                ],
            },
            Local {
                name: "Ủy ban nhân dân huyện Hải Hậu",
                code: "NDU-HH",
                head_title: "Chủ tịch",
                children: &[
                    ("Ủy ban nhân dân xã Hải Bắc", "NDU-HH-HB"),
                    ("Ủy ban nhân dân thị trấn Yên Định", "NDU-HH-YD"),
                ],
                people: &[
                    ("Phạm Văn Thuận", None, "Trưởng xóm", Some(0)),
                    ("Đoàn Thị Mai", None, "Bí thư Đoàn xã", Some(0)),
                    ("Lê Văn Cường", None, "Tổ trưởng tổ tự quản", Some(1)),
                ],
            },
            Local {
                name: "Ủy ban nhân dân huyện Giao Thủy",
                code: "NDU-GT",
                head_title: "Chủ tịch",
                children: &[
                    ("Ủy ban nhân dân xã Giao Thiện", "NDU-GT-GT"),
                    ("Ủy ban nhân dân thị trấn Quất Lâm", "NDU-GT-QL"),
                ],
                people: &[
                    (
                        "Hoàng Văn Sơn",
                        None,
                        "Chủ tịch Hội Cựu chiến binh xã",
                        Some(0),
                    ),
                    ("Bùi Thị Nga", None, "Tổ trưởng tổ hòa giải", Some(1)),
                    ("Đinh Văn Lực", None, "Trưởng thôn", Some(1)),
                ],
            },
            Local {
                name: "Ủy ban nhân dân huyện Nghĩa Hưng",
                code: "NDU-NH",
                head_title: "Chủ tịch",
                children: &[
                    ("Ủy ban nhân dân xã Nghĩa Lạc", "NDU-NH-NL"),
                    ("Ủy ban nhân dân thị trấn Rạng Đông", "NDU-NH-RD"),
                ],
                people: &[
                    ("Ngô Văn Thành", None, "Trưởng thôn", Some(0)),
                    (
                        "Trịnh Thị Lan",
                        None,
                        "Chi hội trưởng Chi hội Phụ nữ",
                        Some(1),
                    ),
                    ("Mai Văn Quý", None, "Tổ trưởng tổ tự quản", Some(1)),
                ],
            },
        ];
        let districts = self.locals("UBND-ND", &DISTRICTS, when).await?;
        let province_movement = self
            .launch(
                "UBND-ND",
                "Toàn dân bảo vệ an ninh Tổ quốc năm 2020",
                CommendationKind::ThuongXuyen,
                (2020, 2020),
                vec![AwardKind::CoThiDuaBoTinh, AwardKind::BangKhenBoTinh],
                (day(2020, 9, 1)?, day(2020, 11, 30)?),
            )
            .await?;

        // Bằng khen of Bộ Công an: each district police proposes itself and two communes.
        let proposals = POLICE
            .iter()
            .zip(&police)
            .map(|(local, (id, children, _))| Proposal {
                unit: local.code,
                number: "86/TTr-CAH",
                nominees: std::iter::once(*id)
                    .chain(children.iter().copied())
                    .map(Nominee::Collective)
                    .collect(),
            })
            .collect();
        self.ceremony(Ceremony {
            issuer: "BCA",
            award: AwardKind::BangKhenBoTinh,
            period: 2020,
            kind: CommendationKind::ThuongXuyen,
            movement: Some(police_movement),
            achievement: ACHIEVEMENT_2020,
            drafted: day(2020, 10, 5)?,
            signed: day(2020, 11, 30)?,
            capacity: SignerCapacity::Kt,
            signer_title: "Thứ trưởng",
            proposals,
            twists: Vec::new(),
        })?;

        // Bằng khen of the province: each district proposes two communes and three people.
        let proposals = DISTRICTS
            .iter()
            .zip(&districts)
            .map(|(local, (_, children, people))| Proposal {
                unit: local.code,
                number: "216/TTr-UBND",
                nominees: children
                    .iter()
                    .map(|c| Nominee::Collective(*c))
                    .chain(people.iter().map(|p| Nominee::Person(*p)))
                    .collect(),
            })
            .collect();
        self.ceremony(Ceremony {
            issuer: "UBND-ND",
            award: AwardKind::BangKhenBoTinh,
            period: 2020,
            kind: CommendationKind::ThuongXuyen,
            movement: Some(province_movement),
            achievement: ACHIEVEMENT_2020,
            drafted: day(2020, 10, 12)?,
            signed: day(2020, 12, 4)?,
            capacity: SignerCapacity::Kt,
            signer_title: "Phó Chủ tịch",
            proposals,
            twists: Vec::new(),
        })?;

        // The flag ("Cờ đơn vị dẫn đầu phong trào"): to the two leading districts, each already
        // an excellent collective (Tập thể lao động xuất sắc) for 2020.
        let leaders = [0usize, 1];
        for i in leaders {
            let now = self.on(day(2020, 11, 13)?).await?;
            let clerk = self.who(Role::Clerk, districts[i].0)?.clone();
            self.ops
                .record_prior_award(
                    &clerk,
                    RecordPriorAward {
                        nominee: Nominee::Collective(districts[i].0),
                        award: AwardKind::TapTheLdXuatSac,
                        year: 2020,
                        kind: CommendationKind::ThuongXuyen,
                        decision_reference: Some("2415/QĐ-UBND".into()),
                        decided_on: Some(day(2020, 11, 13)?),
                    },
                    now,
                )
                .await
                .map_err(words)?;
        }
        let proposals = leaders
            .iter()
            .map(|i| Proposal {
                unit: DISTRICTS[*i].code,
                number: "215/TTr-UBND",
                nominees: vec![Nominee::Collective(districts[*i].0)],
            })
            .collect();
        self.ceremony(Ceremony {
            issuer: "UBND-ND",
            award: AwardKind::CoThiDuaBoTinh,
            period: 2020,
            kind: CommendationKind::ThuongXuyen,
            movement: Some(province_movement),
            achievement: "Đơn vị dẫn đầu phong trào thi đua toàn dân bảo vệ an ninh Tổ quốc năm 2020",
            drafted: day(2020, 11, 16)?,
            signed: day(2020, 12, 9)?,
            capacity: SignerCapacity::Kt,
            signer_title: "Phó Chủ tịch",
            proposals,
            twists: Vec::new(),
        })?;
        Ok(())
    }

    /// Article 004 (Gia Lai, 14/03/2023): "trao Bằng khen của Bộ Công an cho 10 tập thể; Giấy khen
    /// của Giám đốc Công an tỉnh cho 18 tập thể, cá nhân" for 2022.
    async fn gia_lai_2022(&mut self) -> anyhow::Result<()> {
        let when = day(2022, 9, 5)?;
        self.ministry(when).await?;
        self.unit(
            "Công an tỉnh Gia Lai",
            "CAGL",
            "Giám đốc",
            Some("BCA"),
            when,
        )
        .await?;
        self.issuer_staff(
            "CAGL",
            Signer {
                username: "pgd.son",
                name: "Nguyễn Ngọc Sơn",
                rank: Some("Đại tá"),
                position: "Phó Giám đốc",
            },
            when,
        )
        .await?;
        self.account("giamdoc.cagl", Role::UnitHead, "CAGL", None, when)
            .await?;
        // Per district: two communes proposed for the Bằng khen, then those given a Giấy khen;
        // two officers of the first Giấy khen commune.
        const DISTRICTS: [Local; 4] = [
            Local {
                name: "Công an huyện Chư Păh",
                code: "CP",
                head_title: UNIT_POLICE_HEAD,
                children: &[
                    ("Công an xã Nghĩa Hưng", "CP-NH"),
                    ("Công an xã Ia Ka", "CP-IK"),
                    ("Công an xã Ia Khươl", "CP-IKH"),
                    ("Công an xã Hòa Phú", "CP-HP"),
                    ("Công an xã Ia Nhin", "CP-IN"),
                ],
                people: &[
                    ("Ksor H'Bia", Some("Trung úy"), "Cán bộ", Some(2)),
                    (
                        "Nguyễn Văn Thắng",
                        Some("Thượng úy"),
                        "Phó Trưởng Công an xã",
                        Some(2),
                    ),
                ],
            },
            Local {
                name: "Công an thành phố Pleiku",
                code: "PK",
                head_title: UNIT_POLICE_HEAD,
                children: &[
                    ("Công an phường Diên Hồng", "PK-DH"),
                    ("Công an phường Hoa Lư", "PK-HL"),
                    ("Công an phường Yên Đỗ", "PK-YD"),
                    ("Công an phường Hội Thương", "PK-HT"),
                    ("Công an phường Thống Nhất", "PK-TN"),
                ],
                people: &[
                    (
                        "Trần Thị Thu Hà",
                        Some("Thiếu tá"),
                        "Phó Trưởng Công an phường",
                        Some(2),
                    ),
                    ("Rơ Châm Phiang", Some("Trung úy"), "Cán bộ", Some(2)),
                ],
            },
            Local {
                name: "Công an huyện Ia Grai",
                code: "IG",
                head_title: UNIT_POLICE_HEAD,
                children: &[
                    ("Công an xã Ia Hrung", "IG-IH"),
                    ("Công an xã Ia Dêr", "IG-ID"),
                    ("Công an xã Ia Sao", "IG-IS"),
                    ("Công an xã Ia Tô", "IG-IT"),
                ],
                people: &[
                    (
                        "Đinh Văn Hùng",
                        Some("Đại úy"),
                        "Trưởng Công an xã",
                        Some(2),
                    ),
                    ("Siu Thị Hơ", Some("Thiếu úy"), "Cán bộ", Some(2)),
                ],
            },
            Local {
                name: "Công an thị xã An Khê",
                code: "AK",
                head_title: UNIT_POLICE_HEAD,
                children: &[
                    ("Công an phường Tây Sơn", "AK-TS"),
                    ("Công an xã Song An", "AK-SA"),
                    ("Công an phường An Phú", "AK-AP"),
                    ("Công an phường An Bình", "AK-AB"),
                ],
                people: &[
                    ("Lê Quang Vinh", Some("Trung úy"), "Cán bộ", Some(2)),
                    ("Phạm Thị Mỹ Duyên", Some("Thượng úy"), "Cán bộ", Some(2)),
                ],
            },
        ];
        let districts = self.locals("CAGL", &DISTRICTS, when).await?;
        let movement = self
            .launch(
                "CAGL",
                "Toàn dân bảo vệ an ninh Tổ quốc năm 2022",
                CommendationKind::ThuongXuyen,
                (2022, 2022),
                vec![AwardKind::BangKhenBoTinh, AwardKind::GiayKhen],
                (day(2022, 10, 3)?, day(2023, 1, 31)?),
            )
            .await?;
        // Bằng khen of Bộ Công an: each district proposes itself and its first two communes.
        let proposals = DISTRICTS
            .iter()
            .zip(&districts)
            .map(|(local, (id, children, _))| Proposal {
                unit: local.code,
                number: "15/TTr-CAH",
                nominees: std::iter::once(*id)
                    .chain(children[..2].iter().copied())
                    .map(Nominee::Collective)
                    .collect(),
            })
            .collect();
        self.ceremony(Ceremony {
            issuer: "BCA",
            award: AwardKind::BangKhenBoTinh,
            period: 2022,
            kind: CommendationKind::ThuongXuyen,
            movement: Some(movement),
            achievement: ACHIEVEMENT_2022,
            drafted: day(2022, 12, 5)?,
            signed: day(2023, 2, 20)?,
            capacity: SignerCapacity::Kt,
            signer_title: "Thứ trưởng",
            proposals,
            twists: vec![
                (
                    (2, 2),
                    Twist::ReturnAndResubmit(
                        "Báo cáo thành tích của Công an xã Ia Dêr chưa có xác nhận của Công an huyện Ia Grai",
                    ),
                ),
                (
                    (3, 1),
                    Twist::Withdraw(
                        "Công an phường Tây Sơn được đề nghị khen thưởng theo chuyên đề khác trong năm",
                    ),
                ),
                (
                    (3, 2),
                    Twist::Reject(
                        "Năm 2022 trên địa bàn xã xảy ra vụ việc phức tạp về an ninh, trật tự chưa được giải quyết dứt điểm",
                    ),
                ),
            ],
        })?;
        // Giấy khen of the Giám đốc: the other communes and two officers per district.
        let proposals = DISTRICTS
            .iter()
            .zip(&districts)
            .map(|(local, (_, children, people))| Proposal {
                unit: local.code,
                number: "02/TTr-CAH",
                nominees: children[2..]
                    .iter()
                    .map(|c| Nominee::Collective(*c))
                    .chain(people.iter().map(|p| Nominee::Person(*p)))
                    .collect(),
            })
            .collect();
        self.ceremony(Ceremony {
            issuer: "CAGL",
            award: AwardKind::GiayKhen,
            period: 2022,
            kind: CommendationKind::ThuongXuyen,
            movement: Some(movement),
            achievement: ACHIEVEMENT_2022,
            drafted: day(2023, 1, 9)?,
            signed: day(2023, 3, 1)?,
            capacity: SignerCapacity::Kt,
            signer_title: "Phó Giám đốc",
            proposals,
            twists: Vec::new(),
        })?;
        Ok(())
    }

    /// Article 000 (Cửa Lò, 27/04/2023): Giấy khen of the town's People's Committee to
    /// collectives and individuals for 10 years of Programme 09 (no figures: the demo's own).
    async fn cua_lo_2023(&mut self) -> anyhow::Result<()> {
        let when = day(2023, 2, 6)?;
        self.unit(
            "Ủy ban nhân dân thị xã Cửa Lò",
            "UBND-CL",
            "Chủ tịch",
            None,
            when,
        )
        .await?;
        self.issuer_staff(
            "UBND-CL",
            Signer {
                username: "chutich.ubnd-cl",
                name: "Trần Quốc Bảo",
                rank: None,
                position: "Chủ tịch",
            },
            when,
        )
        .await?;
        for (name, code) in [
            ("Ủy ban nhân dân phường Nghi Tân", "CL-NTN"),
            ("Ủy ban nhân dân phường Nghi Thu", "CL-NTU"),
        ] {
            self.unit(name, code, "Chủ tịch", Some("UBND-CL"), when)
                .await?;
        }
        const WARDS: [Local; 5] = [
            Local {
                name: "Ủy ban nhân dân phường Nghi Thủy",
                code: "CL-NTY",
                head_title: "Chủ tịch",
                children: &[],
                people: &[
                    ("Hồ Văn Tình", None, "Trưởng ban tự quản khối 1", None),
                    (
                        "Nguyễn Thị Sen",
                        None,
                        "Chi hội trưởng Chi hội Phụ nữ khối 3",
                        None,
                    ),
                ],
            },
            Local {
                name: "Ủy ban nhân dân phường Thu Thủy",
                code: "CL-TT",
                head_title: "Chủ tịch",
                children: &[],
                people: &[(
                    "Phan Văn Lộc",
                    None,
                    "Tổ trưởng tổ tự quản về an ninh trật tự",
                    None,
                )],
            },
            Local {
                name: "Ủy ban nhân dân phường Nghi Hải",
                code: "CL-NHA",
                head_title: "Chủ tịch",
                children: &[],
                people: &[
                    (
                        "Võ Văn Thành",
                        None,
                        "Trưởng ban công tác Mặt trận khối Hải Giang",
                        None,
                    ),
                    ("Đặng Thị Hoa", None, "Tổ trưởng tổ hòa giải", None),
                ],
            },
            Local {
                name: "Ủy ban nhân dân phường Nghi Hòa",
                code: "CL-NHO",
                head_title: "Chủ tịch",
                children: &[],
                people: &[("Lê Văn Hưng", None, "Chủ nhiệm câu lạc bộ “Lá chắn”", None)],
            },
            Local {
                name: "Ủy ban nhân dân phường Nghi Hương",
                code: "CL-NHU",
                head_title: "Chủ tịch",
                children: &[],
                people: &[("Trần Thị Minh", None, "Bí thư Chi đoàn khối 6", None)],
            },
        ];
        let wards = self.locals("UBND-CL", &WARDS, when).await?;
        let movement = self
            .launch(
                "UBND-CL",
                "Chương trình phối hợp số 09/CTr-BCA-MTTW “Đẩy mạnh phong trào toàn dân bảo vệ an ninh Tổ quốc trong tình hình mới”, giai đoạn 2013–2023",
                CommendationKind::TheoDotChuyenDe,
                (2013, 2023),
                vec![AwardKind::GiayKhen],
                (day(2023, 3, 1)?, day(2023, 4, 14)?),
            )
            .await?;
        let proposals = WARDS
            .iter()
            .zip(&wards)
            .map(|(local, (id, _, people))| Proposal {
                unit: local.code,
                number: "21/TTr-UBND",
                nominees: std::iter::once(Nominee::Collective(*id))
                    .chain(people.iter().map(|p| Nominee::Person(*p)))
                    .collect(),
            })
            .collect();
        self.ceremony(Ceremony {
            issuer: "UBND-CL",
            award: AwardKind::GiayKhen,
            period: 2023,
            kind: CommendationKind::TheoDotChuyenDe,
            movement: Some(movement),
            achievement: ACHIEVEMENT_09,
            drafted: day(2023, 3, 20)?,
            signed: day(2023, 4, 24)?,
            capacity: SignerCapacity::Direct,
            signer_title: "Chủ tịch",
            proposals,
            twists: vec![(
                (2, 2),
                Twist::ReturnAndWait(
                    "Báo cáo thành tích chưa có xác nhận của Ủy ban nhân dân phường Nghi Hải",
                ),
            )],
        })?;
        Ok(())
    }

    /// Article 003 (Kiên Giang, 29/05/2023): "Ủy ban MTTQ và Công an tỉnh tặng nhiều Bằng khen,
    /// giấy khen" (no figures: the demo's own, the police's Giấy khen only).
    async fn kien_giang_2023(&mut self) -> anyhow::Result<()> {
        let when = day(2023, 3, 6)?;
        self.ministry(when).await?;
        self.unit(
            "Công an tỉnh Kiên Giang",
            "CAKG",
            "Giám đốc",
            Some("BCA"),
            when,
        )
        .await?;
        self.issuer_staff(
            "CAKG",
            Signer {
                username: "pgd.cakg",
                name: "Danh Văn Tâm",
                rank: Some("Đại tá"),
                position: "Phó Giám đốc",
            },
            when,
        )
        .await?;
        const DISTRICTS: [Local; 3] = [
            Local {
                name: "Công an thành phố Rạch Giá",
                code: "KG-RG",
                head_title: UNIT_POLICE_HEAD,
                children: &[("Công an phường Vĩnh Thanh Vân", "KG-RG-VTV")],
                people: &[
                    (
                        "Lâm Văn Phúc",
                        Some("Thiếu tá"),
                        "Trưởng Công an phường",
                        Some(0),
                    ),
                    ("Thạch Thị Sa Rây", Some("Trung úy"), "Cán bộ", Some(0)),
                ],
            },
            Local {
                name: "Công an thành phố Phú Quốc",
                code: "KG-PQ",
                head_title: UNIT_POLICE_HEAD,
                children: &[],
                people: &[
                    ("Nguyễn Hoàng Nam", Some("Đại úy"), "Đội trưởng", None),
                    ("Huỳnh Văn Tư", Some("Thượng úy"), "Cán bộ", None),
                ],
            },
            Local {
                name: "Công an huyện Châu Thành",
                code: "KG-CT",
                head_title: UNIT_POLICE_HEAD,
                children: &[],
                people: &[(
                    "Trương Thị Kim Loan",
                    Some("Thiếu tá"),
                    "Phó Trưởng Công an huyện",
                    None,
                )],
            },
        ];
        let districts = self.locals("CAKG", &DISTRICTS, when).await?;
        let movement = self
            .launch(
                "CAKG",
                "Chương trình phối hợp “Đẩy mạnh phong trào toàn dân bảo vệ an ninh Tổ quốc trong tình hình mới” giai đoạn 2013–2023",
                CommendationKind::TheoDotChuyenDe,
                (2013, 2023),
                vec![AwardKind::GiayKhen],
                (day(2023, 4, 3)?, day(2023, 5, 12)?),
            )
            .await?;
        let proposals = DISTRICTS
            .iter()
            .zip(&districts)
            .map(|(local, (id, children, people))| Proposal {
                unit: local.code,
                number: "31/TTr-CAH",
                nominees: std::iter::once(*id)
                    .chain(children.iter().copied())
                    .map(Nominee::Collective)
                    .chain(people.iter().map(|p| Nominee::Person(*p)))
                    .collect(),
            })
            .collect();
        self.ceremony(Ceremony {
            issuer: "CAKG",
            award: AwardKind::GiayKhen,
            period: 2023,
            kind: CommendationKind::TheoDotChuyenDe,
            movement: Some(movement),
            achievement: ACHIEVEMENT_09,
            drafted: day(2023, 4, 17)?,
            signed: day(2023, 5, 22)?,
            capacity: SignerCapacity::Kt,
            signer_title: "Phó Giám đốc",
            proposals,
            twists: vec![((1, 2), Twist::HoldInCouncil)],
        })?;
        Ok(())
    }
}
