//! The network's output at any inputs, as its training sees it (to the last
//! bits or so: each unit's bias is added first here, last in training): a batch norm
//! normalizes with the statistics of the whole dataset at those parameters
//! (the full batch's, as the landscape takes them), not with those of the
//! inputs asked about.

use crate::mlp::net::{batch_stats, bce, squared_error, Network, Task};

/// Per hidden layer with a batch norm: each unit's mean and 1/σ.
type Stats = Vec<(Vec<f64>, Vec<f64>)>;

impl Network {
    /// The output at each of `inputs` (a logit for classification, the
    /// prediction for regression); a batch norm takes the statistics of the
    /// rows `data` at `params`.
    pub fn outputs(&self, params: &[f64], data: &[[f64; 2]], inputs: &[[f64; 2]]) -> Vec<f64> {
        let stats = if self.arch.batch_norm {
            self.forward(params, data, None).1
        } else {
            Vec::new()
        };
        self.forward(params, inputs, Some(&stats)).0
    }

    /// The loss over all of `x`, `y` at `params` in training mode (a batch
    /// norm takes the rows' own statistics), without its gradient: one
    /// forward pass, as a landscape samples it.
    pub fn loss_at(&self, params: &[f64], (x, y): (&[[f64; 2]], &[f64])) -> f64 {
        let out = self.forward(params, x, None).0;
        let task = self.arch.task;
        out.iter()
            .zip(y)
            .map(|(&o, &t)| row_loss(task, o, t))
            .sum::<f64>()
            / x.len() as f64
    }

    /// The outputs at `inputs`, and the batch norms' statistics used: the
    /// given ones, or else the inputs' own.
    fn forward(
        &self,
        params: &[f64],
        inputs: &[[f64; 2]],
        given: Option<&Stats>,
    ) -> (Vec<f64>, Stats) {
        let n = inputs.len();
        let act = self.arch.activation;
        // Unit by unit: each unit's value for every input in one run of
        // memory, so each weight scales a whole run at once.
        let mut a: Vec<f64> = (0..2)
            .flat_map(|k| inputs.iter().map(move |p| p[k]))
            .collect();
        let mut stats = Stats::new();
        for (l, layer) in self.layers.iter().enumerate() {
            let (w, width, fan_in) = (layer.weight, layer.fan_out, layer.fan_in);
            let mut z = vec![0.0; n * width];
            for (j, unit) in z.chunks_exact_mut(n).enumerate() {
                if let Some(b) = layer.bias {
                    unit.fill(params[b + j]);
                }
                let weights = &params[w + j * fan_in..w + (j + 1) * fan_in];
                for (&weight, input) in weights.iter().zip(a.chunks_exact(n)) {
                    for (o, &x) in unit.iter_mut().zip(input) {
                        *o += weight * x;
                    }
                }
            }
            if l + 1 == self.layers.len() {
                return (z, stats);
            }
            match layer.norm {
                Some(g) => {
                    let (mean, invstd) = match given.and_then(|s| s.get(stats.len())) {
                        Some(s) => s.clone(),
                        None => z
                            .chunks_exact(n)
                            .map(|unit| batch_stats(unit, 1, 0, n))
                            .unzip(),
                    };
                    for (j, unit) in z.chunks_exact_mut(n).enumerate() {
                        let alpha = invstd[j] * params[g + j];
                        let beta = params[g + width + j] - mean[j] * alpha;
                        for v in unit {
                            *v = act.apply(*v * alpha + beta);
                        }
                    }
                    stats.push((mean, invstd));
                }
                None => z.iter_mut().for_each(|v| *v = act.apply(*v)),
            }
            a = z;
        }
        unreachable!("a network ends in its output layer")
    }
}

/// One row's loss, as a training pass takes it.
fn row_loss(task: Task, o: f64, t: f64) -> f64 {
    match task {
        Task::Classification => bce(o, t, libm::exp(-o.abs())),
        Task::Regression => squared_error(o, t),
    }
}

#[cfg(test)]
mod tests {
    use crate::mlp::net::{Activation, Architecture, Network, Task, Workspace};

    /// The outputs at the data's own rows give the loss one training pass
    /// computes, batch norm or not.
    #[test]
    fn outputs_at_the_rows_give_the_training_loss() {
        let x: Vec<[f64; 2]> = (0..23)
            .map(|i| [(i as f64 * 0.7).sin(), (i as f64 * 1.3).cos()])
            .collect();
        let y: Vec<f64> = (0..23).map(|i| f64::from(i % 3 == 0)).collect();
        for batch_norm in [false, true] {
            let net = Network::new(Architecture {
                hidden: vec![5, 3],
                activation: Activation::Tanh,
                batch_norm,
                task: Task::Classification,
            });
            let params: Vec<f64> = (0..net.count)
                .map(|i| ((i * 37 % 11) as f64 - 5.0) / 7.0)
                .collect();
            let rows: Vec<usize> = (0..x.len()).collect();
            let loss = net
                .pass(&params, (&x, &y), &rows, None, &mut Workspace::default())
                .loss;
            let out = net.outputs(&params, &x, &x);
            let again: f64 = out
                .iter()
                .zip(&y)
                .map(|(&o, &t)| super::row_loss(Task::Classification, o, t))
                .sum::<f64>()
                / x.len() as f64;
            assert!(
                (loss - again).abs() < 1e-12,
                "batch_norm {batch_norm}: {loss} vs {again}"
            );
            // Other inputs do not change the statistics: one point alone gets
            // what it gets among the rows.
            let alone = net.outputs(&params, &x, &x[4..5]);
            assert!((alone[0] - out[4]).abs() < 1e-12);
        }
    }
}
