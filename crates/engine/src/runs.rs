//! [`Runs`]: an experiment run, each optimizer's trajectory on its surface.

use crate::run::{trajectory, Gradients};
use crate::train::train;
use crate::trajectory::{Record, Trajectory};
use optiviz_experiment::experiment::{Experiment, OptimizerConfig};
use optiviz_objectives::mlp::surface::NetSurface;
use optiviz_objectives::mlp::Model;
use optiviz_objectives::surface::Surface;
use std::sync::Arc;

/// Running an [`Experiment`]: every optimizer's trajectory on its surface,
/// and that surface (for a network, the landscape on the plane its training
/// finds). `use optiviz_engine::runs::Runs` to call these on an experiment.
pub trait Runs {
    /// Runs every optimizer, in order. Each starts its shuffles and noise
    /// from the experiment's seed.
    fn run(&self) -> Vec<Trajectory>;
    /// As [`Runs::run`], recording what `record` asks for.
    fn run_recording(&self, record: Record) -> Vec<Trajectory>;
    /// As [`Runs::run_recording`], on the experiment's surface already
    /// built. (A network trains in its own parameters; its surface is where
    /// the runs are drawn, not what they step on.)
    fn run_on(&self, f: &Surface, record: Record) -> Vec<Trajectory>;
    /// Optimizer `i`'s run on `f` from `start`, with `cfg` in its place (the
    /// same run with another learning rate, say) and everything else the
    /// experiment's: its sampling, seed, steps and stopping rules. A network
    /// trains from its initial weights whatever `start` says, its points on
    /// the plane of this run alone.
    fn run_one(
        &self,
        f: &Surface,
        i: usize,
        cfg: &OptimizerConfig,
        start: [f64; 2],
        record: Record,
    ) -> Trajectory;
    /// The surface the optimizers run on.
    fn surface(&self) -> Surface;
    /// The surface and every optimizer's run on it, with what `record` asks
    /// for: for a network, from one training (its surface is the landscape
    /// on the plane its runs find).
    fn surface_and_runs(&self, record: Record) -> (Surface, Vec<Trajectory>);
    /// An MLP experiment's training: the landscape on its plane, and every
    /// run with its points on that plane.
    fn network(&self, model: &Arc<Model>, record: Record) -> (NetSurface, Vec<Trajectory>);
}

impl Runs for Experiment {
    fn run(&self) -> Vec<Trajectory> {
        self.run_recording(Record::default())
    }

    fn run_recording(&self, record: Record) -> Vec<Trajectory> {
        self.surface_and_runs(record).1
    }

    fn run_on(&self, f: &Surface, record: Record) -> Vec<Trajectory> {
        if let Some(model) = &self.function.mlp {
            return self.network(model, record).1;
        }
        (0..self.optimizers.len())
            .map(|i| self.run_one(f, i, &self.optimizers[i], self.start, record))
            .collect()
    }

    fn run_one(
        &self,
        f: &Surface,
        i: usize,
        cfg: &OptimizerConfig,
        start: [f64; 2],
        record: Record,
    ) -> Trajectory {
        if let Some(model) = &self.function.mlp {
            let mut alone = self.clone();
            alone.optimizers = vec![cfg.clone()];
            return alone.network(model, record).1.remove(0);
        }
        let grads = Gradients::new(f, self.sampling(i), self.seed);
        trajectory(f, grads, start, self.steps, cfg, &self.stop, record)
    }

    fn surface(&self) -> Surface {
        match self.plain_surface() {
            Some(s) => s,
            None => self.surface_and_runs(Record::default()).0,
        }
    }

    fn surface_and_runs(&self, record: Record) -> (Surface, Vec<Trajectory>) {
        match &self.function.mlp {
            Some(model) => {
                let (surface, runs) = self.network(model, record);
                (Surface::Network(Box::new(surface)), runs)
            }
            None => {
                let surface = self.surface();
                let runs = self.run_on(&surface, record);
                (surface, runs)
            }
        }
    }

    fn network(&self, model: &Arc<Model>, record: Record) -> (NetSurface, Vec<Trajectory>) {
        let training = train(self, model, record);
        let plane = training.plane.clone();
        let runs = training.trajectories(self, record);
        let points: Vec<[f64; 2]> = runs.iter().flat_map(|r| r.points.iter().copied()).collect();
        let surface = NetSurface::new(model.clone(), plane, self.l2, &points);
        (surface, runs)
    }
}
