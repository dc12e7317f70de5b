//! Black-box tests of ducha through its HTTP API and its binary, on SQLite and (when
//! `DUCHA_TEST_PG` is set; mandatory under `CI=true`) on a fresh PostgreSQL database per test.
//!
//! - `lifecycle`, `requests`, `permissions`, `bad_input`, `listing`: user stories against the
//!   real router, each generated once per backend (`<story>::sqlite`, `<story>::postgres`);
//! - `fixes`, `rerouting`, `visibility`, `admin`: the same, for input bounds, CSRF, refusal
//!   re-routing, concurrent requests, what a sub-unit or an asked unit sees, admin accounts and
//!   the named leader's approval;
//! - `evidence`: evidence files uploaded, stored once, checked by content, carried by reports
//!   into the chain, reused, and downloaded only by those who may see them;
//! - `appeal_form`: the assessment appeal form posted with files as a browser does, refusals
//!   writing nothing, the office's queue showing the contested line and opening the files;
//! - `admin_pages`: the organisation & users page as a browser uses it: the tree, the users,
//!   the admin forms with their inline translated errors, and who may use them;
//! - `dispatch_pages`: the dispatch and decompose forms as a browser posts them;
//! - `workbench`: what waits for each role along a chain, over time, and never another
//!   county's work;
//! - `workbench_lists`: each list's true total and the whole list behind it, overdue work
//!   apart from what is due soon, progress reports for the level that reviews them;
//! - `backup`: `ducha backup` and `ducha restore` round-tripping to the same head and answers,
//!   online while writes continue, and refusing corrupt backups and non-empty targets;
//! - `migrations`: a fixture of every earlier migration level (tests/fixtures/schema) migrated
//!   forward, its chains verified and its register answered;
//! - `audit`: tampering with the event log directly in the database, caught by the real
//!   `ducha audit verify`;
//! - `props`: random command sequences against the use cases, checking the chain's invariants;
//! - `clock`: lights, the notice ladder over simulated days (the real `ducha jobs run-once`),
//!   hand-issued notices, the inbox, the calendar;
//! - `proposal_rules`: routing, returns and replies of suggestions — double submissions, the
//!   only lead's return, rounds handled again, reads from above, split handling at once.
//! - `proposals_api`: NPC suggestions through the JSON API, bad input named and nothing
//!   written, another county answered 404;
//! - `pages`: the register page as a browser and htmx fetch it, and its .xlsx export;
//! - `ops`: `/healthz` and `/readyz` while the database goes away and comes back, the purge
//!   job through the real binary, and a real `ducha serve` with JSON logs and its metrics
//!   page parsed as Prometheus text;
//! - `nodes`: several app nodes on one database: a calendar loaded on one is in force on the
//!   others within the poll, evidence uploaded through one downloads through another, one
//!   sequence of checkpoints, and a real `ducha serve` stopped by SIGTERM hands its job lease
//!   to the next node at once;
//! - `chain_writes`: two nodes reporting at once make one chain that verifies, every
//!   acknowledged report stored once; on PostgreSQL commits share transactions (group commit),
//!   a request failing its own check fails alone inside its batch, and a writer connection
//!   killed mid-batch loses exactly that batch;
//! - `scheduler` (PostgreSQL only): two real `ducha serve` processes with the scheduler on, run
//!   through simulated days, one killed midway; every notice reaches each robot exactly once.

mod helpers;
#[path = "../support/mod.rs"]
mod support;

mod admin;
mod admin_pages;
mod analytics;
mod appeal_form;
mod appeals;
mod assessment;
mod audit;
mod auth;
mod backup;
mod bad_input;
mod bulletins;
mod cadres;
mod chain_writes;
mod clock;
mod cockpit;
mod delivery;
mod demo;
mod dispatch_pages;
mod evidence;
mod fixes;
mod hardening;
mod hot;
mod item_pages;
mod joint;
mod ledger;
mod ledger_fuzz;
mod lifecycle;
mod listing;
mod matrix;
mod migrations;
mod nodes;
mod office;
mod ops;
mod pages;
mod permissions;
mod proposal_counts;
mod proposal_rules;
mod proposals;
mod proposals_api;
mod props;
mod requests;
mod rerouting;
mod rules_cli;
mod scheduler;
mod secrets;
mod security_log;
mod security_pages;
mod tls;
mod tokens;
mod user_lang;
mod visibility;
mod webhooks;
mod workbench;
mod workbench_lists;
