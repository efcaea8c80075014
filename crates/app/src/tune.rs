//! A fair comparison on the page: each optimizer at the rate of its own
//! learning-rate sweep that ends lowest without diverging (the rule of
//! `optiviz tune`), applied as one edit that one Undo takes back.

use crate::app::{refused, App};
use crate::host::Host;
use optiviz_base::error::ConfigErrors;
use optiviz_base::number::significant;
use optiviz_engine::sweep::best_index;

/// One optimizer's tuning on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct TunedRate {
    /// The rate it had.
    pub was: f64,
    /// The rate it has now.
    pub lr: f64,
    /// Why it kept its rate, if it did: every rate diverged, or the link
    /// locks it.
    pub kept: Option<&'static str>,
}

impl<H: Host> App<H> {
    /// Sets each optimizer's learning rate to its sweep's best ([`best_index`])
    /// as one edit. The sweep must cover every optimizer at the experiment
    /// as it is. An optimizer whose every rate diverged, or whose rate a
    /// teacher's link locks, keeps its rate (and says why).
    pub fn tune(&mut self) -> Result<Vec<TunedRate>, ConfigErrors> {
        let (lrs, lines) = &self.sweep;
        let count = self.exp.optimizers.len();
        if count == 0 || (0..count).any(|i| !lines.contains_key(&i)) {
            return Err(refused(
                "tune",
                "the sweep is not complete yet: wait for it, then tune",
            ));
        }
        let mut tuned = self.exp.clone();
        let mut report = Vec::with_capacity(count);
        for (i, o) in self.exp.optimizers.iter().enumerate() {
            let (final_loss, diverged) = &lines[&i];
            let mut kept = Some("every rate diverged");
            if let Some(j) = best_index(final_loss, |j| diverged[j]) {
                // Each optimizer's rate on its own against the lock.
                let mut one = self.exp.clone();
                one.optimizers[i].lr = lrs[j];
                kept = match self.lock.check(&self.exp, &one) {
                    Ok(()) => {
                        tuned.optimizers[i].lr = lrs[j];
                        None
                    }
                    Err(_) => Some("locked by the link"),
                };
            }
            report.push(TunedRate {
                was: o.lr,
                lr: tuned.optimizers[i].lr,
                kept,
            });
        }
        let before = self.exp.clone();
        self.replace(tuned)?;
        self.before_tune = Some(before);
        Ok(report)
    }

    /// The message that names each new rate (and why any was kept), from
    /// what [`App::tune`] returned and the optimizers' names on the page.
    pub fn tune_message(report: &[TunedRate], names: &[String]) -> String {
        let parts: Vec<String> = report
            .iter()
            .zip(names)
            .map(|(t, name)| match t.kept {
                Some(why) => format!("{name} kept lr {} ({why})", significant(t.lr)),
                None => format!("{name} lr {}", significant(t.lr)),
            })
            .collect();
        format!("Tuned: {}.", parts.join("; "))
    }

    /// Takes the last tuning back, as one edit; refused when there is none
    /// or the experiment changed since in some other way than its rates.
    pub fn undo_tune(&mut self) -> Result<(), ConfigErrors> {
        let before = self
            .before_tune
            .take()
            .ok_or_else(|| refused("tune", "there is no tuning to undo"))?;
        let mut now = self.exp.clone();
        for (o, b) in now.optimizers.iter_mut().zip(&before.optimizers) {
            o.lr = b.lr;
        }
        if now.to_value() != before.to_value() {
            return Err(refused(
                "tune",
                "the experiment changed since the tuning; set the rates by hand",
            ));
        }
        self.replace(before)
    }
}
