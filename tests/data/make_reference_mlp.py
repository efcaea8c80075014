"""Produce tests/data/reference2/mlp-extra/*.json: PyTorch training runs of
small MLPs beyond the shared set's four, for `tests/reference2.rs` to hold
`optiviz run --params` to.

Each case is an experiment in the form `optiviz run` reads (an `"mlp"`
function with its rows written out) and what torch did with it: the flat
parameters before every step and after the last (`params`), the loss there
(`losses`, with the L2 term), the accuracy there (classification), each
Linear layer's weight-gradient norm at every step before clipping
(`layer_grad_norms`), the learning rate of every step (`lrs`), and where they
apply L-BFGS's closure calls per step (`func_evals`), the momentum or beta1 a
cyclic schedule put in force (`momenta`) and Adafactor's state after each step
(`state`: its factored row and column statistics for each weight matrix and
its per-coordinate average for each vector, each key's tensors end to end).

The network is built from torch.nn modules, `Linear(2, h1), [BatchNorm1d(h1)],
act, ..., Linear(h_last, 1)` (no bias before a batch norm), in float64 and
training mode; its parameters are read and written in `model.parameters()`
order. One step is a torch training loop:

    opt.zero_grad(); loss = criterion(model(x_batch), y_batch) + l2 * sum(p*p)
    loss.backward(); clip; opt.step(); scheduler.step()

with the loss recorded over every row before the step. Mini-batches are the
rows optiviz hands out (its seeded shuffle, replayed by `Batches` in
make_reference.py); with `accumulate` k, each of the step's k micro-batches
adds loss / k to the gradient. L-BFGS steps as `opt.step(closure)`, the closure
evaluating the step's batches (or every row) and clipping.

Where a case draws its initial weights with `init` and `init_seed` instead of
giving them, they come from optiviz's own seeded generator: the script asks
`optiviz run --params` for them (its first point) and loads them into torch,
so those cases check training from the project's draw, not the draw itself.

Each case also runs from its initial weights with the first one moved by one
unit in the last place; where the two runs part by more than 1e-10 the case
says so with `compare_until` (the last step that can be held to torch), as
make_reference2.py does.

Needs torch; the files it writes are committed, so the tests do not need
torch. Run from the repository root, with optiviz built for the `init` cases:

    cargo build --release
    OPTIVIZ=target/release/optiviz python3 tests/data/make_reference_mlp.py   # every case
    OPTIVIZ=... python3 tests/data/make_reference_mlp.py adafactor            # cases whose id contains a word

(without OPTIVIZ it runs `cargo run --release --quiet --`).
"""

import json
import math
import os
import random
import subprocess
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import Batches  # noqa: E402
from make_reference2 import CLASSES, build_scheduler  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "reference2", "mlp-extra")


# ---------------------------------------------------------------- the rows

def dataset(kind, n, seed):
    """`n` rows drawn with Python's own generator, rounded to 4 decimals."""
    r = random.Random(seed)
    x, y = [], []
    for i in range(n):
        if kind == "circle":
            # Class 1 inside radius 0.5, class 0 on a ring out to 1.
            inside = i % 2 == 0
            rad = r.uniform(0, 0.45) if inside else r.uniform(0.65, 1.0)
            a = r.uniform(0, 2 * math.pi)
            x1, x2 = rad * math.cos(a), rad * math.sin(a)
            label = 1.0 if inside else 0.0
        elif kind == "xor":
            x1, x2 = r.uniform(-1, 1), r.uniform(-1, 1)
            label = 1.0 if x1 * x2 > 0 else 0.0
        elif kind == "gauss":
            label = float(i % 2)
            c = 0.6 if label else -0.6
            x1, x2 = r.gauss(c, 0.35), r.gauss(c, 0.35)
        elif kind == "wave":
            # Regression: a smooth surface with a little noise.
            x1, x2 = r.uniform(-1.5, 1.5), r.uniform(-1.5, 1.5)
            label = math.sin(1.5 * x1) + 0.5 * x2 * x2 - 0.3 + r.gauss(0, 0.05)
        elif kind == "plane":
            x1, x2 = r.uniform(-1, 1), r.uniform(-1, 1)
            label = 0.5 * x1 - 0.8 * x2 + r.gauss(0, 0.1)
        else:
            raise ValueError(kind)
        x.append([round(x1, 4), round(x2, 4)])
        y.append(round(label, 4) if kind in ("wave", "plane") else label)
    return {"x": x, "y": y}


def torch_weights(fn, seed):
    """Initial weights as nn.Linear's reset draws them from torch's generator."""
    torch.manual_seed(seed)
    return flat(network(fn))


# ------------------------------------------------------------- the network

def network(fn):
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[fn["activation"]]
    bn = fn.get("batch_norm", False)
    layers, fan_in = [], 2
    for h in fn["hidden"]:
        layers.append(nn.Linear(fan_in, h, bias=not bn))
        if bn:
            layers.append(nn.BatchNorm1d(h))
        layers.append(act())
        fan_in = h
    layers.append(nn.Linear(fan_in, 1))
    return nn.Sequential(*layers).double().train()


def flat(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).tolist()


def linear_weights(model):
    return [m.weight for m in model if isinstance(m, nn.Linear)]


def initial_weights(exp):
    """The given weights, or the ones optiviz draws for `init`."""
    fn = exp["function"]
    if "weights" in fn:
        return fn["weights"]
    probe = dict(exp, steps=1, optimizers=[{"name": "sgd", "lr": 0.0}])
    for k in ("batch_size", "accumulate", "l2"):
        probe.pop(k, None)
    cmd = os.environ.get("OPTIVIZ")
    cmd = [cmd] if cmd else ["cargo", "run", "--release", "--quiet", "--"]
    out = subprocess.run(cmd + ["run", "-", "--params"], input=json.dumps(probe), capture_output=True,
                         text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout)["runs"][0]["params"][0]


# ---------------------------------------------------------------- training

def run(exp, nudge=False):
    fn = exp["function"]
    model = network(fn)
    weights = list(initial_weights(exp))
    if nudge:
        weights[0] = math.nextafter(weights[0], math.inf)
    nn.utils.vector_to_parameters(torch.tensor(weights), model.parameters())
    params = list(model.parameters())
    x = torch.tensor(fn["data"]["x"])
    y = torch.tensor(fn["data"]["y"])
    n = len(y)
    classification = fn.get("task", "classification") == "classification"
    criterion = nn.BCEWithLogitsLoss() if classification else nn.MSELoss()
    l2 = exp.get("l2", 0.0)

    def loss_on(rows):
        xs, ys = (x, y) if rows is None else (x[rows], y[rows])
        loss = criterion(model(xs).squeeze(-1), ys)
        if l2:
            loss = loss + l2 * sum((p * p).sum() for p in params)
        return loss

    cfg = dict(exp["optimizers"][0])
    name = cfg.pop("name")
    clip = cfg.pop("clip", None)
    sched_cfg = cfg.pop("schedule", None)
    for k in ("betas", "etas", "step_sizes", "eps"):
        if isinstance(cfg.get(k), list):
            cfg[k] = tuple(cfg[k])
    opt = getattr(torch.optim, CLASSES[name])(model.parameters(), **cfg)
    sched = build_scheduler(opt, sched_cfg) if sched_cfg else None
    plateau = sched_cfg is not None and sched_cfg["name"] == "plateau"
    cycles = sched_cfg is not None and sched_cfg["name"] in ("cyclic", "onecycle")
    group = opt.param_groups[0]
    size = exp.get("batch_size", n)
    batches = Batches(n, size, exp.get("seed", 0)) if size < n else None
    accumulate = exp.get("accumulate", 1)

    evals = 0
    step_rows = None
    norms = None

    def closure():
        nonlocal evals, norms
        evals += 1
        opt.zero_grad()
        if step_rows is None:
            loss = loss_on(None)
            loss.backward()
        else:
            loss = 0.0
            for rows in step_rows:
                micro = loss_on(rows) / len(step_rows)
                micro.backward()
                loss = loss + micro.detach()
        if norms is None:
            norms = [w.grad.norm().item() for w in linear_weights(model)]
        if clip and "max_norm" in clip:
            nn.utils.clip_grad_norm_(model.parameters(), clip["max_norm"])
        elif clip:
            nn.utils.clip_grad_value_(model.parameters(), clip["clip_value"])
        return loss

    def where():
        with torch.no_grad():
            out = model(x).squeeze(-1)
            loss = criterion(out, y)
            if l2:
                loss = loss + l2 * sum((p * p).sum() for p in params)
            right = ((out > 0) == (y > 0.5)).double().mean().item()
        return flat(model), loss.item(), right

    ref = {"params": [], "losses": [], "lrs": [], "layer_grad_norms": []}
    accuracy, func_evals, momenta = [], [], []
    for _ in range(exp["steps"]):
        p, loss, right = where()
        ref["params"].append(p)
        ref["losses"].append(loss)
        accuracy.append(right)
        ref["lrs"].append(group["lr"])
        if cycles and ("momentum" in group or "betas" in group):
            momenta.append(group["momentum"] if "momentum" in group else group["betas"][0])
        step_rows = [batches.next() for _ in range(accumulate)] if batches else None
        norms, evals = None, 0
        if name == "lbfgs":
            opt.step(closure)
            func_evals.append(evals)
        else:
            closure()
            opt.step()
        ref["layer_grad_norms"].append(norms)
        if name == "adafactor":
            ref.setdefault("state", []).append(adafactor_state(opt, params))
        if sched is not None:
            sched.step(loss) if plateau else sched.step()
    p, loss, right = where()
    ref["params"].append(p)
    ref["losses"].append(loss)
    accuracy.append(right)
    if classification:
        ref["accuracy"] = accuracy
    if func_evals:
        ref["func_evals"] = func_evals
    if momenta:
        ref["momenta"] = momenta
    if not all(math.isfinite(v) for p in ref["params"] for v in p):
        raise ValueError(f"{exp}: the run left the floats")
    return ref


def adafactor_state(opt, params):
    """Adafactor's state over every tensor as optiviz gives it: `step`, then
    each key's tensors end to end in parameter order (`row_var` and `col_var`
    of the matrices, `variance` of the vectors)."""
    out = {"step": opt.state[params[0]]["step"].item()}
    for key in ("row_var", "col_var", "variance"):
        parts = [opt.state[p][key].reshape(-1).tolist() for p in params if key in opt.state[p]]
        if parts:
            out[key] = [v for part in parts for v in part]
    return out


def parts_from(a, b):
    """The first point at which two runs' parameters part by more than 1e-10."""
    for k, (p, q) in enumerate(zip(a["params"], b["params"])):
        if max(abs(s - t) for s, t in zip(p, q)) > 1e-10:
            return k
    return None


# ------------------------------------------------------------------- cases

def mlp(hidden, activation, data, task="classification", batch_norm=False, **init):
    """An MLP function; `init` holds `weights` (torch's draw from a seed:
    `torch_seed`) or optiviz's `init` with `init_seed` (and `init_std`)."""
    fn = {"name": "mlp", "hidden": hidden, "activation": activation, "batch_norm": batch_norm, "task": task,
          "data": data}
    seed = init.pop("torch_seed", None)
    fn.update(init)
    if seed is not None:
        fn["weights"] = torch_weights(fn, seed)
    return fn


def case(id, function, steps, optimizer, **settings):
    return {"id": "mlp-extra-" + id,
            "experiment": dict({"function": function, "steps": steps, "optimizers": [optimizer]}, **settings)}


CIRCLE = dataset("circle", 32, 1)
XOR = dataset("xor", 36, 2)
GAUSS = dataset("gauss", 30, 3)
WAVE = dataset("wave", 32, 4)
PLANE = dataset("plane", 24, 5)
XOR40 = dataset("xor", 40, 6)

CASES = [
    # SGD in its forms.
    case("sgd-nesterov-wd-tanh", mlp([5, 4], "tanh", CIRCLE, torch_seed=1), 40,
         {"name": "sgd", "lr": 0.2, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3}),
    case("sgd-dampening-relu-step", mlp([6], "relu", XOR, torch_seed=2), 40,
         {"name": "sgd", "lr": 0.3, "momentum": 0.6, "dampening": 0.2,
          "schedule": {"name": "step", "step_size": 10, "gamma": 0.5}}),
    # A large normal initialization (optiviz's draw) and clipping by norm.
    case("sgd-clip-norm-normal-init", mlp([4, 4], "tanh", XOR, init="normal", init_std=2.0, init_seed=3), 40,
         {"name": "sgd", "lr": 0.5, "clip": {"max_norm": 0.5}}),
    # nn.Linear's own initialization, as optiviz draws it from init_seed.
    case("sgd-torch-default-init-seed", mlp([6, 6], "relu", XOR, init="torch_default", init_seed=31), 30,
         {"name": "sgd", "lr": 0.5, "momentum": 0.5}),
    case("sgd-minibatch-onecycle-relu", mlp([8], "relu", XOR40, torch_seed=4), 40,
         {"name": "sgd", "lr": 0.1, "momentum": 0.9,
          "schedule": {"name": "onecycle", "max_lr": 0.5, "total_steps": 40}},
         batch_size=10, seed=5),
    case("sgd-bn-sigmoid-kaiming-normal", mlp([4, 4, 4], "sigmoid", CIRCLE, batch_norm=True,
                                               init="kaiming_normal", init_seed=6), 40,
         {"name": "sgd", "lr": 0.5}),
    # The Adam family.
    case("adam-amsgrad-sigmoid-l2", mlp([4, 4, 3], "sigmoid", GAUSS, torch_seed=7), 40,
         {"name": "adam", "lr": 0.05, "amsgrad": True, "weight_decay": 0.01}, l2=1e-3),
    case("adamw-cosine-regression", mlp([8], "tanh", WAVE, task="regression", torch_seed=8), 40,
         {"name": "adamw", "lr": 0.03, "weight_decay": 0.05, "schedule": {"name": "cosine", "T_max": 40,
                                                                          "eta_min": 1e-3}}),
    case("nadam-decoupled-relu", mlp([5, 5], "relu", CIRCLE, torch_seed=9), 40,
         {"name": "nadam", "lr": 0.02, "weight_decay": 0.02, "decoupled_weight_decay": True,
          "momentum_decay": 0.005}),
    case("nadam-clip-value-deep-tanh", mlp([3, 3, 3, 3], "tanh", XOR, torch_seed=10), 40,
         {"name": "nadam", "lr": 0.03, "clip": {"clip_value": 0.02}}),
    case("radam-decoupled-width-1-regression", mlp([5, 1], "tanh", PLANE, task="regression", torch_seed=11), 40,
         {"name": "radam", "lr": 0.05, "weight_decay": 0.01, "decoupled_weight_decay": True}),
    case("adamax-sigmoid-xavier-uniform", mlp([7], "sigmoid", GAUSS, init="xavier_uniform", init_seed=12), 40,
         {"name": "adamax", "lr": 0.05, "weight_decay": 0.01}),
    case("adam-bn-minibatch-accumulate", mlp([6, 4], "tanh", XOR40, batch_norm=True, torch_seed=13), 40,
         {"name": "adam", "lr": 0.02, "betas": [0.8, 0.99]}, batch_size=8, accumulate=2, seed=11),
    case("adam-plateau-l2", mlp([6], "tanh", CIRCLE, torch_seed=14), 40,
         {"name": "adam", "lr": 0.1, "schedule": {"name": "plateau", "patience": 2, "factor": 0.5,
                                                  "threshold": 0.02}}, l2=0.01),
    case("adam-cyclic-betas", mlp([6], "tanh", CIRCLE, torch_seed=28), 30,
         {"name": "adam", "lr": 0.01, "schedule": {"name": "cyclic", "base_lr": 0.005, "max_lr": 0.1,
                                                   "step_size_up": 5}}),
    case("sgd-warmup-exponential-relu", mlp([5, 3], "relu", XOR, torch_seed=29), 30,
         {"name": "sgd", "lr": 0.2, "momentum": 0.5, "schedule": {
             "name": "sequential", "milestones": [8], "schedulers": [
                 {"name": "linear", "start_factor": 0.1, "total_iters": 8}, {"name": "exponential", "gamma": 0.95}]}}),
    # The other adaptive ones.
    case("adagrad-regression-kaiming-uniform", mlp([6, 6], "relu", WAVE, task="regression",
                                                    init="kaiming_uniform", init_seed=15), 40,
         {"name": "adagrad", "lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 1e-3}),
    case("rmsprop-centered-momentum-bn-relu", mlp([5, 5], "relu", GAUSS, batch_norm=True, torch_seed=16), 40,
         {"name": "rmsprop", "lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5}),
    case("adadelta-xavier-normal", mlp([6], "tanh", XOR, init="xavier_normal", init_seed=17), 40,
         {"name": "adadelta", "lr": 1.0, "rho": 0.8, "weight_decay": 0.01}),
    case("rprop-tanh", mlp([4, 4], "tanh", CIRCLE, torch_seed=18), 40,
         {"name": "rprop", "lr": 0.01, "etas": [0.4, 1.3], "step_sizes": [1e-5, 1.0]}),
    case("asgd-sigmoid-minibatch", mlp([5], "sigmoid", GAUSS, torch_seed=19), 40,
         {"name": "asgd", "lr": 0.5, "t0": 10, "lambd": 1e-3, "alpha": 0.75}, batch_size=6, seed=2),
    # L-BFGS, with and without its line search.
    case("lbfgs-tanh", mlp([4], "tanh", CIRCLE, torch_seed=20), 15,
         {"name": "lbfgs", "lr": 0.5, "max_iter": 5, "history_size": 5}),
    case("lbfgs-wolfe-regression", mlp([5], "tanh", WAVE, task="regression", torch_seed=21), 10,
         {"name": "lbfgs", "lr": 1.0, "max_iter": 8, "line_search_fn": "strong_wolfe"}),
    case("lbfgs-relu", mlp([4, 4], "relu", XOR, torch_seed=22), 12,
         {"name": "lbfgs", "lr": 0.3, "max_iter": 4}),
    case("lbfgs-wolfe-minibatch-clip", mlp([4], "tanh", GAUSS, torch_seed=23), 10,
         {"name": "lbfgs", "lr": 1.0, "max_iter": 3, "line_search_fn": "strong_wolfe", "clip": {"max_norm": 0.1}},
         batch_size=10, seed=3),
    case("lbfgs-wolfe-bn", mlp([4, 4], "tanh", XOR, batch_norm=True, torch_seed=30), 8,
         {"name": "lbfgs", "lr": 1, "max_iter": 5, "line_search_fn": "strong_wolfe"}),
    # Adafactor factors each Linear's weight into row and column statistics.
    case("adafactor-tanh", mlp([5, 3], "tanh", CIRCLE, torch_seed=24), 40,
         {"name": "adafactor", "lr": 0.05}),
    case("adafactor-wd-relu", mlp([6, 4], "relu", XOR, torch_seed=25), 40,
         {"name": "adafactor", "lr": 0.05, "weight_decay": 0.1, "eps": [1e-30, 1e-3], "d": 1.5,
          "beta2_decay": -0.6}),
    case("adafactor-bn-minibatch", mlp([5, 5], "tanh", XOR40, batch_norm=True, torch_seed=26), 40,
         {"name": "adafactor", "lr": 0.03, "weight_decay": 0.01}, batch_size=10, seed=7),
    case("adafactor-width-1-regression", mlp([4, 1], "tanh", PLANE, task="regression", torch_seed=27), 40,
         {"name": "adafactor", "lr": 0.02, "schedule": {"name": "step", "step_size": 15, "gamma": 0.5}}),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    words = sys.argv[1:]
    for c in CASES:
        if words and not any(w in c["id"] for w in words):
            continue
        ref = run(c["experiment"])
        k = parts_from(ref, run(c["experiment"], nudge=True))
        if k is not None:
            ref["compare_until"] = max(0, k - 1)
        c["reference"] = dict({"source": f"torch {torch.__version__} float64"}, **ref)
        with open(os.path.join(OUT, c["id"] + ".json"), "w") as fh:
            json.dump(c, fh)
        print(c["id"], len(ref["params"][0]), "parameters, loss", ref["losses"][0], "->", ref["losses"][-1],
              "compare_until", ref.get("compare_until"), ref.get("func_evals", ""))


if __name__ == "__main__":
    main()
