//! The network's output at any inputs, as its training sees it: a batch norm
//! normalizes with the statistics of the whole dataset at those parameters
//! (the full batch's, as the landscape takes them), not with those of the
//! inputs asked about.

use super::net::{batch_stats, Network};

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
        let mut a: Vec<f64> = inputs.iter().flatten().copied().collect();
        let mut stats = Stats::new();
        for (l, layer) in self.layers.iter().enumerate() {
            let (w, width, fan_in) = (layer.weight, layer.fan_out, layer.fan_in);
            let mut z = vec![0.0; n * width];
            for i in 0..n {
                let input = &a[i * fan_in..(i + 1) * fan_in];
                for j in 0..width {
                    let row = &params[w + j * fan_in..w + (j + 1) * fan_in];
                    let s: f64 = input.iter().zip(row).map(|(x, w)| x * w).sum();
                    z[i * width + j] = s + layer.bias.map_or(0.0, |b| params[b + j]);
                }
            }
            if l + 1 == self.layers.len() {
                return (z, stats);
            }
            match layer.norm {
                Some(g) => {
                    let (mean, invstd) = match given.and_then(|s| s.get(stats.len())) {
                        Some(s) => s.clone(),
                        None => (0..width).map(|j| batch_stats(&z, width, j, n)).unzip(),
                    };
                    for j in 0..width {
                        let alpha = invstd[j] * params[g + j];
                        let beta = params[g + width + j] - mean[j] * alpha;
                        for i in 0..n {
                            let v = &mut z[i * width + j];
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
                .map(|(&o, &t)| (1.0 - t) * o - (o.min(0.0) - libm::log1p(libm::exp(-o.abs()))))
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
