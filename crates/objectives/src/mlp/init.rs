//! Initial weights: `nn.Linear`'s own initialization or one of
//! `torch.nn.init`'s schemes, drawn from the project's seeded generator.

use crate::mlp::net::Network;
use optiviz_base::rng::Rng;
use serde::Serialize;

/// How the initial weights are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// `nn.Linear`'s reset: weight and bias uniform in ±1/√fan_in.
    TorchDefault,
    /// Uniform in ±√(6/(fan_in + fan_out)) (gain 1).
    XavierUniform,
    /// Normal with σ = √(2/(fan_in + fan_out)) (gain 1).
    XavierNormal,
    /// Uniform in ±√(6/fan_in) (torch's default gain √2, fan in).
    KaimingUniform,
    /// Normal with σ = √(2/fan_in).
    KaimingNormal,
    /// Normal with σ = `init_std`.
    Normal,
}

impl Init {
    /// Every scheme, in the order the page lists them.
    pub const ALL: [Init; 6] = [
        Init::TorchDefault,
        Init::XavierUniform,
        Init::XavierNormal,
        Init::KaimingUniform,
        Init::KaimingNormal,
        Init::Normal,
    ];

    /// The key in experiments, e.g. `"xavier_uniform"`.
    pub fn key(self) -> &'static str {
        match self {
            Init::TorchDefault => "torch_default",
            Init::XavierUniform => "xavier_uniform",
            Init::XavierNormal => "xavier_normal",
            Init::KaimingUniform => "kaiming_uniform",
            Init::KaimingNormal => "kaiming_normal",
            Init::Normal => "normal",
        }
    }

    /// The scheme whose [`Init::key`] is `key`.
    pub fn parse(key: &str) -> Option<Init> {
        Init::ALL.into_iter().find(|i| i.key() == key)
    }
}

/// The network's initial parameters under `init` (σ `std` for
/// [`Init::Normal`]), drawn with `seed`: each `Linear`'s weight row by row,
/// then its bias (uniform like the weight for the torch default, zero
/// otherwise); a batch norm's γ at 1 and β at 0.
pub fn initial_weights(net: &Network, init: Init, std: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed, 0x_1417);
    let mut p = vec![0.0; net.count];
    for l in &net.layers {
        let (fan_in, fan_out) = (l.fan_in as f64, l.fan_out as f64);
        let uniform = |rng: &mut Rng, bound: f64| -bound + 2.0 * bound * rng.uniform();
        let weights = &mut p[l.weight..l.weight + l.fan_in * l.fan_out];
        for w in weights.iter_mut() {
            *w = match init {
                Init::TorchDefault => uniform(&mut rng, 1.0 / fan_in.sqrt()),
                Init::XavierUniform => uniform(&mut rng, (6.0 / (fan_in + fan_out)).sqrt()),
                Init::XavierNormal => (2.0 / (fan_in + fan_out)).sqrt() * rng.normal(),
                Init::KaimingUniform => uniform(&mut rng, (6.0 / fan_in).sqrt()),
                Init::KaimingNormal => (2.0 / fan_in).sqrt() * rng.normal(),
                Init::Normal => std * rng.normal(),
            };
        }
        if let (Some(b), Init::TorchDefault) = (l.bias, init) {
            for v in &mut p[b..b + l.fan_out] {
                *v = uniform(&mut rng, 1.0 / fan_in.sqrt());
            }
        }
        if let Some(g) = l.norm {
            p[g..g + l.fan_out].fill(1.0);
        }
    }
    p
}
