//! Checking recipes as their authors do: lint warnings and the offline test runner. Both
//! render, so they sit above `render` (and `catalog`); the recipe format below them knows
//! nothing of rendering.

pub mod lint;
pub mod run;

pub use lint::{LintReport, lint};
pub use run::run_tests;
