//! A point on a surface stepped by an optimizer's n-parameter build: the
//! optimizers that are stepped as one vector of any length keep a single
//! compiled copy of their update (the page's WebAssembly carries each rule
//! once), and a point's two coordinates go through it as a vector of two.

use crate::optimizer::{Closure, Optimizer, State};

/// An optimizer over `Vec<f64>` seen as one over `[f64; 2]`.
pub struct OnPoint {
    inner: Box<dyn Optimizer<Vec<f64>>>,
    /// The point and its gradient as vectors, kept between steps.
    p: Vec<f64>,
    g: Vec<f64>,
}

impl OnPoint {
    /// `inner`, built for one tensor of two parameters (a point).
    pub fn new(inner: Box<dyn Optimizer<Vec<f64>>>) -> OnPoint {
        OnPoint {
            inner,
            p: vec![0.0; 2],
            g: vec![0.0; 2],
        }
    }

    fn load(&mut self, params: &[f64; 2], grad: &[f64; 2]) {
        self.p.copy_from_slice(params);
        self.g.copy_from_slice(grad);
    }
}

fn pair(v: &[f64]) -> [f64; 2] {
    [v[0], v[1]]
}

impl Optimizer for OnPoint {
    fn step(&mut self, params: &mut [f64; 2], grad: &[f64; 2], lr: f64) {
        self.load(params, grad);
        self.inner.step(&mut self.p, &self.g, lr);
        *params = pair(&self.p);
    }

    fn state(&self) -> State {
        self.inner.state()
    }

    fn re_evaluates(&self) -> bool {
        self.inner.re_evaluates()
    }

    fn max_evaluations(&self) -> u32 {
        self.inner.max_evaluations()
    }

    fn run_work(&self, n: usize, steps: u32) -> f64 {
        self.inner.run_work(n, steps)
    }

    fn state_size(&self, n: usize, steps: u32) -> f64 {
        self.inner.state_size(n, steps)
    }

    fn step_closure(
        &mut self,
        params: &mut [f64; 2],
        loss: f64,
        grad: &[f64; 2],
        lr: f64,
        closure: &mut Closure<[f64; 2]>,
    ) -> u32 {
        self.load(params, grad);
        let mut on_vectors = |q: &Vec<f64>| {
            let (loss, g) = closure(&pair(q));
            (loss, g.to_vec())
        };
        let evals = self
            .inner
            .step_closure(&mut self.p, loss, &self.g, lr, &mut on_vectors);
        *params = pair(&self.p);
        evals
    }

    fn momentum(&self) -> Option<f64> {
        self.inner.momentum()
    }

    fn see_loss(&mut self, loss: f64) {
        self.inner.see_loss(loss)
    }

    fn set_momentum(&mut self, momentum: f64) {
        self.inner.set_momentum(momentum)
    }

    fn momentum_buffer(&self) -> Option<[f64; 2]> {
        self.inner.momentum_buffer().map(|b| pair(&b))
    }

    fn set_momentum_buffer(&mut self, buffer: [f64; 2]) {
        self.inner.set_momentum_buffer(buffer.to_vec())
    }

    fn series_point(&self) -> Option<[f64; 2]> {
        self.inner.series_point().map(|p| pair(&p))
    }

    fn readout(&self) -> Option<(&'static str, f64)> {
        self.inner.readout()
    }

    fn inside(&self) -> State {
        self.inner.inside()
    }
}
