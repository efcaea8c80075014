"""Produce the `extra-*.json` PyTorch reference trajectories in tests/data/reference.

Each case runs the training loop the reference README describes, in float64:

    loss = f(theta); loss.backward(); clip (if any); optimizer.step(); scheduler.step()

For the data models, f is torch's MSELoss or BCEWithLogitsLoss over the rows of
a batch, plus l2 * ||theta||^2 when the case has an L2 term; with accumulation
each of k micro-batches contributes loss / k to the gradient before the step.
The batches are the ones optiviz draws: its seeded generator (xoshiro256**
seeded by SplitMix64, Lemire's unbiased range, Fisher-Yates) is written out
below, so these cases check the gradients of every mini-batch against autograd.

Needs torch (`pip install torch`); the files it writes are committed, so the
tests do not need torch. Run from the repository root:

    python3 tests/data/make_reference.py
"""

import json
import math
import os

import torch

# The shared reference set was made this way: optimizer state scalars (NAdam's
# mu_product, the step counters) are then float64 as well.
torch.set_default_dtype(torch.float64)
PI = math.pi


def surface(name, p):
    a = p.get("a")
    b = p.get("b")

    def f(t):
        x, y = t[0], t[1]
        if name == "quadratic":
            return 0.5 * (a * x**2 + b * y**2)
        if name == "rosenbrock":
            return (a - x) ** 2 + b * (y - x**2) ** 2
        if name == "beale":
            return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
        if name == "himmelblau":
            return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
        if name == "booth":
            return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2
        if name == "rastrigin":
            A = p["A"]
            return 2 * A + x**2 - A * torch.cos(2 * PI * x) + y**2 - A * torch.cos(2 * PI * y)
        if name == "ackley":
            return (-20 * torch.exp(-0.2 * torch.sqrt(0.5 * (x**2 + y**2)))
                    - torch.exp(0.5 * (torch.cos(2 * PI * x) + torch.cos(2 * PI * y))) + math.e + 20)
        if name == "saddle":
            return x**2 - y**2
        if name == "matyas":
            return 0.26 * (x**2 + y**2) - 0.48 * x * y
        if name == "three_hump_camel":
            return 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2
        if name == "six_hump_camel":
            return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2
        if name == "goldstein_price":
            return ((1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2))
                    * (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)))
        if name == "styblinski_tang":
            return 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y)
        if name == "mccormick":
            return torch.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1
        if name == "levi13":
            return (torch.sin(3 * PI * x) ** 2 + (x - 1) ** 2 * (1 + torch.sin(3 * PI * y) ** 2)
                    + (y - 1) ** 2 * (1 + torch.sin(2 * PI * y) ** 2))
        raise ValueError(name)

    return f


M64 = (1 << 64) - 1


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Rng:
    """optiviz's generator (src/rng.rs), bit for bit."""

    def __init__(self, seed, stream):
        st = seed ^ ((stream * 0xD1B54A32D192ED03) & M64)
        self.s = []
        for _ in range(4):
            st = (st + 0x9E3779B97F4A7C15) & M64
            z = st
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    def next(self):
        s = self.s
        result = (_rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def below(self, n):
        threshold = ((1 << 64) - n) % n
        while True:
            m = self.next() * n
            if (m & M64) >= threshold:
                return m >> 64

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]


class Batches:
    """Mini-batches of `size` rows in a new shuffled order each epoch, each sorted."""

    def __init__(self, n, size, seed):
        self.n, self.size, self.rng = n, size, Rng(seed, 0x5EED)
        self.order, self.used = [], n

    def next(self):
        if self.used == self.n:
            self.order = list(range(self.n))
            self.rng.shuffle(self.order)
            self.used = 0
        end = min(self.used + self.size, self.n)
        rows = sorted(self.order[self.used:end])
        self.used = end
        return rows


def model_loss(name, data):
    x = torch.tensor(data["x"])
    y = torch.tensor(data["y"])

    def f(t, rows=None):
        xs, ys = (x, y) if rows is None else (x[rows], y[rows])
        z = t[0] * xs + t[1]
        if name == "linear_regression":
            return torch.nn.functional.mse_loss(z, ys)
        return torch.nn.functional.binary_cross_entropy_with_logits(z, ys)

    return f


DEFAULT_PARAMS = {"quadratic": {"a": 1.0, "b": 10.0}, "rosenbrock": {"a": 1.0, "b": 100.0}, "rastrigin": {"A": 10.0}}
CLASSES = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adadelta": "Adadelta",
           "adam": "Adam", "adamw": "AdamW", "nadam": "NAdam", "adamax": "Adamax"}


def scheduler(opt, s):
    S = torch.optim.lr_scheduler
    if s is None:
        return None
    if s["name"] == "step":
        return S.StepLR(opt, step_size=s["step_size"], gamma=s.get("gamma", 0.1))
    if s["name"] == "exponential":
        return S.ExponentialLR(opt, gamma=s["gamma"])
    if s["name"] == "cosine":
        return S.CosineAnnealingLR(opt, T_max=s["T_max"], eta_min=s.get("eta_min", 0.0))
    if s["name"] == "linear":
        return S.LinearLR(opt, start_factor=s.get("start_factor", 1 / 3), end_factor=s.get("end_factor", 1.0),
                          total_iters=s.get("total_iters", 5))
    if s["name"] == "inverse_time":
        k = s["k"]
        return S.LambdaLR(opt, lambda t: 1 / (1 + k * t))
    raise ValueError(s)


def run(case):
    fn = case["function"]
    l2 = case.get("l2", 0.0)
    model = "data" in fn
    if model:
        data_loss = model_loss(fn["name"], fn["data"])
        n = len(fn["data"]["x"])
        size = case.get("batch_size", n)
        batches = Batches(n, size, case.get("seed", 0))
        k = case.get("accumulate", 1)
    else:
        params = dict(DEFAULT_PARAMS.get(fn["name"], {}), **fn.get("params", {}))
        fn["params"] = params
        data_loss = surface(fn["name"], params)
    f = lambda t: data_loss(t) + l2 * (t * t).sum()
    cfg = dict(case["optimizer"])
    name = cfg.pop("name")
    clip = cfg.pop("clip", None)
    sched_cfg = cfg.pop("schedule", None)
    if "betas" in cfg:
        cfg["betas"] = tuple(cfg["betas"])
    theta = torch.tensor(case["start"], dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, CLASSES[name])([theta], **cfg)
    sched = scheduler(opt, sched_cfg)
    points, losses = [theta.tolist()], []
    for _ in range(case["steps"]):
        opt.zero_grad()
        if model and size < n:
            with torch.no_grad():
                losses.append(f(theta).item())
            for _ in range(k):
                micro = data_loss(theta, batches.next()) + l2 * (theta * theta).sum()
                (micro / k).backward()
        else:
            loss = f(theta)
            losses.append(loss.item())
            loss.backward()
        if clip and "max_norm" in clip:
            torch.nn.utils.clip_grad_norm_([theta], clip["max_norm"])
        elif clip:
            torch.nn.utils.clip_grad_value_([theta], clip["clip_value"])
        opt.step()
        if sched:
            sched.step()
        points.append(theta.tolist())
    with torch.no_grad():
        losses.append(f(theta).item())
    # JSON has no NaN or infinity: a non-finite value is written as null.
    clean = lambda v: v if math.isfinite(v) else None
    points = [[clean(v) for v in p] for p in points]
    losses = [clean(v) for v in losses]
    case["reference"] = {"source": f"torch {torch.__version__} float64", "points": points, "losses": losses}
    return case


def c(id, function, start, steps, optimizer, **settings):
    return {"id": "extra-" + id, "function": function, "start": start, "steps": steps, "optimizer": optimizer,
            **settings}


def rows(kind, n, w, b, noise, seed):
    """A dataset written out in the case (4 decimals), drawn with Python's own generator."""
    import random
    r = random.Random(seed)
    x = [round(r.uniform(-2, 2), 4) for _ in range(n)]
    latent = [w * xi + b + noise * r.gauss(0, 1) for xi in x]
    if kind == "linear_regression":
        y = [round(v, 4) for v in latent]
    else:
        y = [1.0 if v > 0 else 0.0 for v in latent]
    return {"name": kind, "data": {"x": x, "y": y}}


CASES = [
    c("rastrigin-a5-adam", {"name": "rastrigin", "params": {"A": 5.0}}, [2.3, -1.7], 150,
      {"name": "adam", "lr": 0.05, "betas": [0.8, 0.99]}),
    c("ackley-nesterov-wd", {"name": "ackley"}, [1.8, -2.4], 150,
      {"name": "sgd", "lr": 0.01, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    # Centered RMSprop divides by sqrt(v - mean(g)^2); past step ~65 of this run
    # that is near zero and last-bit rounding grows 4-fold a step, so the case
    # stops before then.
    c("six-hump-camel-rmsprop-centered", {"name": "six_hump_camel"}, [-1.5, 1.2], 60,
      {"name": "rmsprop", "lr": 0.01, "alpha": 0.9, "centered": True}),
    c("goldstein-price-adam-clipnorm", {"name": "goldstein_price"}, [-1.2, 1.4], 200,
      {"name": "adam", "lr": 0.01, "eps": 1e-6, "clip": {"max_norm": 10.0}}),
    c("styblinski-tang-adagrad-decay", {"name": "styblinski_tang"}, [0.5, 4.0], 150,
      {"name": "adagrad", "lr": 0.5, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "eps": 1e-8}),
    c("mccormick-adadelta-wd", {"name": "mccormick"}, [3.0, 3.0], 200,
      {"name": "adadelta", "lr": 2.0, "rho": 0.95, "weight_decay": 0.05}),
    c("levi13-adamw-amsgrad", {"name": "levi13"}, [-2.5, 3.5], 150,
      {"name": "adamw", "lr": 0.03, "weight_decay": 0.1, "amsgrad": True}),
    c("beale-nadam-decoupled", {"name": "beale"}, [1.0, 1.5], 200,
      {"name": "nadam", "lr": 0.01, "weight_decay": 0.02, "decoupled_weight_decay": True, "momentum_decay": 0.01}),
    c("quadratic-rmsprop-wd", {"name": "quadratic", "params": {"a": 2.0, "b": 0.5}}, [-3.0, 2.5], 120,
      {"name": "rmsprop", "lr": 0.02, "weight_decay": 0.1}),
    c("rosenbrock-adamax-step", {"name": "rosenbrock", "params": {"a": 0.5, "b": 20.0}}, [-1.0, 1.5], 250,
      {"name": "adamax", "lr": 0.05, "weight_decay": 0.01, "schedule": {"name": "step", "step_size": 40, "gamma": 0.5}}),
    c("booth-sgd-dampening-linear", {"name": "booth"}, [-6.0, 8.0], 120,
      {"name": "sgd", "lr": 0.02, "momentum": 0.7, "dampening": 0.3, "weight_decay": 0.001,
       "schedule": {"name": "linear", "start_factor": 0.5, "end_factor": 0.1, "total_iters": 50}}),
    c("himmelblau-adam-cosine-restart", {"name": "himmelblau"}, [-0.5, -4.0], 120,
      {"name": "adam", "lr": 0.1, "schedule": {"name": "cosine", "T_max": 30, "eta_min": 0.005}}),
    c("himmelblau-nadam-exp-clipvalue", {"name": "himmelblau"}, [0.0, 0.0], 150,
      {"name": "nadam", "lr": 0.1, "betas": [0.85, 0.995], "clip": {"clip_value": 2.0},
       "schedule": {"name": "exponential", "gamma": 0.98}}),
    c("matyas-nesterov-inverse-time", {"name": "matyas"}, [8.0, -6.0], 150,
      {"name": "sgd", "lr": 0.5, "momentum": 0.9, "nesterov": True, "schedule": {"name": "inverse_time", "k": 0.05}}),
    c("three-hump-camel-adagrad-clipnorm", {"name": "three_hump_camel"}, [1.9, -1.1], 120,
      {"name": "adagrad", "lr": 0.3, "weight_decay": 0.05, "clip": {"max_norm": 0.5}}),
    c("saddle-rmsprop-momentum-linear-default", {"name": "saddle"}, [1.5, 1e-3], 80,
      {"name": "rmsprop", "lr": 0.01, "momentum": 0.5, "schedule": {"name": "linear"}}),
    c("rastrigin-adadelta-default", {"name": "rastrigin"}, [3.3, 1.2], 100, {"name": "adadelta", "lr": 1.0}),
    c("rosenbrock-adamw-clipvalue-step", {"name": "rosenbrock"}, [-1.2, 1.0], 300,
      {"name": "adamw", "lr": 0.05, "betas": [0.95, 0.9], "clip": {"clip_value": 5.0},
       "schedule": {"name": "step", "step_size": 100}}),
    c("goldstein-price-adamax-amsgradless", {"name": "goldstein_price"}, [1.5, -1.5], 150,
      {"name": "adamax", "lr": 0.02, "betas": [0.5, 0.9]}),
    c("saddle-adam-maximize", {"name": "saddle"}, [0.5, 1.0], 60,
      {"name": "adam", "lr": 0.05, "maximize": True}),
    c("matyas-rmsprop-maximize-clipvalue", {"name": "matyas"}, [1.0, -2.0], 40,
      {"name": "rmsprop", "lr": 0.01, "momentum": 0.5, "maximize": True, "clip": {"clip_value": 0.3}}),
    c("himmelblau-adamw-foreach-off", {"name": "himmelblau"}, [-1.0, 1.0], 100,
      {"name": "adamw", "lr": 0.05, "foreach": False, "differentiable": False}),
    c("styblinski-tang-gd-diverge", {"name": "styblinski_tang"}, [4.5, -4.8], 12, {"name": "sgd", "lr": 0.12}),
    c("linear-regression-gd", rows("linear_regression", 40, 2.0, -1.0, 0.5, 1), [-1.0, 2.0], 100,
      {"name": "sgd", "lr": 0.1}),
    c("linear-regression-minibatch-momentum", rows("linear_regression", 50, -1.5, 0.5, 0.3, 2), [1.0, -2.0], 150,
      {"name": "sgd", "lr": 0.05, "momentum": 0.9}, batch_size=8, seed=11),
    c("linear-regression-sgd-accumulate-l2", rows("linear_regression", 30, 0.8, 2.0, 1.0, 3), [0.0, 0.0], 120,
      {"name": "adam", "lr": 0.05}, batch_size=1, accumulate=4, seed=5, l2=0.05),
    c("logistic-regression-adam-minibatch", rows("logistic_regression", 60, 2.5, 0.5, 1.0, 4), [-1.0, 1.0], 150,
      {"name": "adam", "lr": 0.1}, batch_size=7, seed=2),
    c("logistic-regression-gd-l2", rows("logistic_regression", 40, 3.0, 0.0, 0.0, 5), [0.0, 0.0], 100,
      {"name": "sgd", "lr": 0.5, "nesterov": True, "momentum": 0.5}, l2=0.01),
    c("rosenbrock-l2-rmsprop", {"name": "rosenbrock"}, [-1.0, 2.0], 150, {"name": "rmsprop", "lr": 0.005}, l2=0.1),
]


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference")
    for case in CASES:
        out = run(case)
        with open(os.path.join(here, out["id"] + ".json"), "w") as fh:
            json.dump(out, fh)
        print(out["id"], out["reference"]["points"][-1])


if __name__ == "__main__":
    main()
