//! A link opened: as much of its experiment as is valid, the page's own
//! keys that are valid, and every key at fault, named together.

use crate::app::App;
use crate::host::Host;
use crate::lessons;
use optiviz_base::error::ConfigError;
use optiviz_experiment::link::keys::{classify, Role};
use optiviz_experiment::link::{decode_page, unknown_keys, Page, PageValue};

/// What opening a link gave.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Opened {
    /// Whether the link held an experiment (else the page shows its own).
    pub experiment: bool,
    /// The page's keys the link gave, each valid one by its name.
    pub page: Page,
    /// Every key at fault, each with what it takes.
    pub errors: Vec<ConfigError>,
}

/// Whether a link's query holds any of the experiment's keys (an unknown
/// key alone, `?scenario=x`, leaves the page its own experiment).
pub fn holds_experiment(query: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').map_or(p, |(k, _)| k))
        .any(|k| matches!(classify(k).map(|k| k.role), Some(r) if !matches!(r, Role::Page(_))))
}

impl<H: Host> App<H> {
    /// Opens a link: its experiment as far as it is valid (or a lesson's
    /// part, when it names a lesson and gives no experiment), its lock and
    /// its view in relief; the page's other keys are handed back, checked,
    /// for the page to apply. Every key at fault is named, together.
    pub fn open_link(&mut self, query: &str) -> Opened {
        let experiment = holds_experiment(query);
        let mut errors = Vec::new();
        if experiment {
            errors.extend(self.load_query_keeping(query));
        } else {
            errors.extend(unknown_keys(query));
        }
        let (mut page, page_errors) = decode_page(query, Some(self.experiment()));
        errors.extend(page_errors);
        // A lesson by name, and its part.
        if let Some(name) = page.text("lesson").filter(|l| *l != "1" && *l != "0") {
            match lessons::lookup(name) {
                None => {
                    let ids: Vec<&str> = lessons::LESSONS.iter().map(|l| l.id).collect();
                    errors.push(ConfigError::new(
                        "lesson",
                        format!(
                            "must be 1 (show the scenario's lesson in the embed), 0, or a lesson's name ({}); got {name}",
                            ids.join(", ")
                        ),
                    ));
                    page.drop("lesson");
                    page.drop("part");
                }
                Some(lesson) => {
                    let part = page.whole("part").unwrap_or(1) as usize;
                    if part > lesson.parts.len() {
                        errors.push(ConfigError::new(
                            "part",
                            format!(
                                "must be a whole number from 1 to {}, got {part}",
                                lesson.parts.len()
                            ),
                        ));
                        page.drop("part");
                    }
                    if !experiment {
                        let part = page.whole("part").unwrap_or(1) as usize;
                        if let Err(e) = self.load_lesson_part(lesson.id, part) {
                            errors.extend(e);
                        }
                    }
                    // A lesson asks its own questions.
                    let asked: Vec<&str> = ["predict", "question"]
                        .into_iter()
                        .filter(|k| page.get(k).is_some())
                        .collect();
                    if !asked.is_empty() {
                        errors.push(ConfigError::new(
                            asked[0],
                            "a lesson asks its own questions",
                        ));
                        for k in ["predict", "question", "choices", "answer"] {
                            page.drop(k);
                        }
                    }
                }
            }
        }
        if let Some(text) = page.text("lock").map(str::to_string) {
            errors.extend(self.set_lock(&text));
        }
        if let Some(PageValue::Angle([yaw, pitch, zoom])) = page.get("view3d").cloned() {
            self.set_relief(yaw, pitch, zoom);
        }
        if let Some(chart) = page.text("chart").map(str::to_string) {
            let kinds = self.chart_kinds();
            if !kinds.contains(&chart.as_str()) {
                errors.push(ConfigError::new(
                    "chart",
                    format!(
                        "must be one of {} for these optimizers, got {chart}",
                        kinds.join(", ")
                    ),
                ));
                page.drop("chart");
            }
        }
        Opened {
            experiment,
            page,
            errors,
        }
    }
}
