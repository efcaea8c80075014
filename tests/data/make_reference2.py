"""Produce the `extra-*.json` PyTorch runs in tests/data/reference2: settings and
functions the shared second set does not reach, for the optimizers and
schedulers it added (L-BFGS with and without its line search, RAdam, Rprop,
ASGD, Adafactor, and every new scheduler, cycled momenta included), with the
optimizer's state after every step.

One step is the training loop of the shared set's README:

    loss = f(theta); loss.backward(); clip (if any); optimizer.step(); scheduler.step()

with L-BFGS stepped as optimizer.step(closure) (the closure zeroes the
gradient, evaluates, calls backward and clips; its calls per step are
counted), ReduceLROnPlateau stepped with the loss at the start of the step,
and the momentum (or betas[0]) in force recorded for cyclic and one-cycle
schedules. Each case also runs from a start moved by one unit in the last
place; where the two runs part by more than 1e-10 the case says so with
`compare_until`, as the shared set does.

It also writes `extra-typed-*.json`: typed functions (`"name": "custom"`)
beyond the shared set's, reaching every function of the formula language,
parameters, the constants, `**`, unary minus and negative and variable
exponents, each with its PyTorch twin written out below (TWINS), its run, and
autograd's value, gradient and Hessian at four points (`derivatives`).

Needs torch (`pip install torch`); the files it writes are committed, so the
tests do not need torch. Run from the repository root:

    python3 tests/data/make_reference2.py            # every file
    python3 tests/data/make_reference2.py --typed    # the typed functions only
"""

import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import DEFAULT_PARAMS, Batches, model_loss, rows, surface  # noqa: E402

torch.set_default_dtype(torch.float64)
CLASSES = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adadelta": "Adadelta", "adam": "Adam",
           "adamw": "AdamW", "nadam": "NAdam", "adamax": "Adamax", "radam": "RAdam", "rprop": "Rprop",
           "asgd": "ASGD", "adafactor": "Adafactor", "lbfgs": "LBFGS"}


def build_scheduler(opt, s):
    S = torch.optim.lr_scheduler
    s = dict(s)
    name = s.pop("name")
    if name == "sequential":
        subs = [build_scheduler(opt, x) for x in s["schedulers"]]
        return S.SequentialLR(opt, subs, milestones=s["milestones"])
    kinds = {"step": S.StepLR, "exponential": S.ExponentialLR, "cosine": S.CosineAnnealingLR, "linear": S.LinearLR,
             "multistep": S.MultiStepLR, "constant": S.ConstantLR, "polynomial": S.PolynomialLR,
             "cosine_warm_restarts": S.CosineAnnealingWarmRestarts, "cyclic": S.CyclicLR, "onecycle": S.OneCycleLR,
             "plateau": S.ReduceLROnPlateau}
    return kinds[name](opt, **s)


def plain(v):
    """A state value as JSON: tensors as numbers or lists, lists item by item."""
    if isinstance(v, torch.Tensor):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v


def run(exp, nudge=False):
    fn = exp["function"]
    model = "data" in fn
    if model:
        # A data model: each step's closure sees that step's mini-batches
        # (optiviz's own seeded order), each micro-batch adding loss / k.
        data_loss = model_loss(fn["name"], fn["data"])
        n = len(fn["data"]["x"])
        batches = Batches(n, exp.get("batch_size", n), exp.get("seed", 0))
        acc = exp.get("accumulate", 1)
        f = data_loss
    elif fn["name"] == "custom":
        f = typed(fn)
    else:
        params = dict(DEFAULT_PARAMS.get(fn["name"], {}), **fn.get("params", {}))
        f = surface(fn["name"], params)
    cfg = dict(exp["optimizers"][0])
    name = cfg.pop("name")
    clip = cfg.pop("clip", None)
    sched_cfg = cfg.pop("schedule", None)
    for k in ("betas", "etas", "step_sizes", "eps"):
        if isinstance(cfg.get(k), list):
            cfg[k] = tuple(cfg[k])
    start = list(exp["start"])
    if nudge:
        start[0] = math.nextafter(start[0], math.inf)
    theta = torch.tensor(start, requires_grad=True)
    opt = getattr(torch.optim, CLASSES[name])([theta], **cfg)
    sched = build_scheduler(opt, sched_cfg) if sched_cfg else None
    plateau = sched_cfg is not None and sched_cfg["name"] == "plateau"
    cycles = sched_cfg is not None and sched_cfg["name"] in ("cyclic", "onecycle")
    group = opt.param_groups[0]

    def clipped():
        if clip and "max_norm" in clip:
            torch.nn.utils.clip_grad_norm_([theta], clip["max_norm"])
        elif clip:
            torch.nn.utils.clip_grad_value_([theta], clip["clip_value"])

    evals = 0
    step_rows = None

    def closure():
        nonlocal evals
        evals += 1
        opt.zero_grad()
        if step_rows is None:
            loss = f(theta)
            loss.backward()
        else:
            loss = 0.0
            for r in step_rows:
                micro = data_loss(theta, r) / len(step_rows)
                micro.backward()
                loss = loss + micro.detach()
        clipped()
        return loss

    points, losses, lrs, state, func_evals, momenta = [theta.tolist()], [], [], [], [], []
    for _ in range(exp["steps"]):
        lrs.append(group["lr"])
        if cycles and ("momentum" in group or "betas" in group):
            momenta.append(group["momentum"] if "momentum" in group else group["betas"][0])
        with torch.no_grad():
            losses.append(f(theta).item())
        if model and batches.size < n:
            step_rows = [batches.next() for _ in range(acc)]
        if name == "lbfgs":
            evals = 0
            opt.step(closure)
            func_evals.append(evals)
        else:
            closure()
            opt.step()
        state.append({k: plain(v) for k, v in opt.state[theta].items()})
        if sched is not None:
            sched.step(losses[-1]) if plateau else sched.step()
        points.append(theta.tolist())
    with torch.no_grad():
        losses.append(f(theta).item())
    ref = {"source": f"torch {torch.__version__} float64", "points": points, "losses": losses, "lrs": lrs,
           "state": state}
    if func_evals:
        ref["func_evals"] = func_evals
    if momenta:
        ref["momenta"] = momenta
    return ref


# Each typed formula's PyTorch twin, f(x, y, params): Python numbers for the
# constants and parameters, as a user of torch would write it.
TWINS = {
    "atan2(y, x)^2/4 + hypot(x - 1, y + 0.5)":
        lambda x, y, p: torch.atan2(y, x) ** 2 / 4 + torch.hypot(x - 1, y + 0.5),
    "log1p(x^2) + c*expm1(-y^2) + cosh(x/3)":
        lambda x, y, p: torch.log1p(x ** 2) + p["c"] * torch.expm1(-y ** 2) + torch.cosh(x / 3),
    "min(x^2 + y^2, (x - 2)^2 + y^2 + 0.5) + 0.1*max(x, y)":
        lambda x, y, p: torch.minimum(x ** 2 + y ** 2, (x - 2) ** 2 + y ** 2 + 0.5) + 0.1 * torch.maximum(x, y),
    "sinh(x/2)^2 + tan(y/3)^2 - asin(x/4)*acos(y/4)":
        lambda x, y, p: torch.sinh(x / 2) ** 2 + torch.tan(y / 3) ** 2 - torch.asin(x / 4) * torch.acos(y / 4),
    "log2(1 + x^2) + k*log10(1 + y^4) + cbrt(x^2 + y^2 + 1)":
        lambda x, y, p: torch.log2(1 + x ** 2) + p["k"] * torch.log10(1 + y ** 4) + (x ** 2 + y ** 2 + 1) ** (1 / 3),
    "-a*exp(-((x - m)^2 + (y - m)^2)/s) + (x^2 + y^2)/20":
        lambda x, y, p: -p["a"] * torch.exp(-((x - p["m"]) ** 2 + (y - p["m"]) ** 2) / p["s"]) + (x ** 2 + y ** 2) / 20,
    "(1 + x^2)**(y/2) + (y - 1)^2":
        lambda x, y, p: (1 + x ** 2) ** (y / 2) + (y - 1) ** 2,
    "-x^2 + pi*y^2 + e*abs(x - 1) + 3*x^4/4":
        lambda x, y, p: -x ** 2 + math.pi * y ** 2 + math.e * torch.abs(x - 1) + 3 * x ** 4 / 4,
    "x^-2 + (y - 1)^2/4 + x^2/10 + sqrt(y^2 + 1)":
        lambda x, y, p: x ** -2 + (y - 1) ** 2 / 4 + x ** 2 / 10 + torch.sqrt(y ** 2 + 1),
}


def typed(fn):
    """f(theta) of a typed function, from its twin; parameters default to 1."""
    twin = TWINS[fn["expr"]]
    params = fn.get("params", {})
    names = {"c", "k", "a", "m", "s"}
    p = {n: params.get(n, 1.0) for n in names}
    return lambda t: twin(t[0], t[1], p)


def derivatives(fn, points):
    """Autograd's value, gradient and Hessian of a typed function at each point."""
    f = typed(fn)
    out = []
    for pt in points:
        t = torch.tensor(pt, requires_grad=True)
        v = f(t)
        (g,) = torch.autograd.grad(v, t)
        h = torch.autograd.functional.hessian(f, torch.tensor(pt))
        out.append({"point": pt, "value": v.item(), "gradient": g.tolist(), "hessian": h.tolist()})
    return out


def chaotic_from(a, b):
    """The first step at which two runs' points part by more than 1e-10."""
    for k, (p, q) in enumerate(zip(a["points"], b["points"])):
        if max(abs(x - y) for x, y in zip(p, q)) > 1e-10:
            return k
    return None


def case(id, function, start, steps, optimizer):
    return {"id": "extra-" + id,
            "experiment": {"function": function, "start": start, "steps": steps, "optimizers": [optimizer]}}


def data_case(id, data, start, steps, optimizer, **settings):
    c = case(id, data, start, steps, optimizer)
    c["experiment"].update(settings)
    return c


CASES = [
    data_case("lbfgs-linear-minibatch", rows("linear_regression", 40, 1.5, -0.5, 0.4, 7), [-1.0, 1.0], 12,
              {"name": "lbfgs", "lr": 0.5, "max_iter": 5}, batch_size=8, seed=3),
    data_case("lbfgs-logistic-minibatch-accumulate-wolfe", rows("logistic_regression", 50, 2.0, 0.5, 0.8, 8),
              [0.0, 0.0], 10, {"name": "lbfgs", "lr": 1.0, "max_iter": 4, "line_search_fn": "strong_wolfe"},
              batch_size=10, accumulate=2, seed=4),
    case("lbfgs-himmelblau-wolfe-history", {"name": "himmelblau"}, [-0.5, -4.0], 6,
         {"name": "lbfgs", "lr": 1.0, "max_iter": 8, "history_size": 3, "line_search_fn": "strong_wolfe"}),
    case("lbfgs-rosenbrock-wolfe-maxeval", {"name": "rosenbrock"}, [-1.2, 1.0], 8,
         {"name": "lbfgs", "lr": 1.0, "max_iter": 10, "max_eval": 12, "line_search_fn": "strong_wolfe"}),
    case("lbfgs-three-hump-clip-step", {"name": "three_hump_camel"}, [1.9, -1.1], 10,
         {"name": "lbfgs", "lr": 0.3, "max_iter": 5, "clip": {"max_norm": 1.0},
          "schedule": {"name": "step", "step_size": 3, "gamma": 0.5}}),
    case("lbfgs-booth-tolerances", {"name": "booth"}, [-6.0, 8.0], 5,
         {"name": "lbfgs", "lr": 0.8, "tolerance_grad": 1e-3, "tolerance_change": 1e-6}),
    case("radam-himmelblau-decoupled", {"name": "himmelblau"}, [0.5, 0.5], 150,
         {"name": "radam", "lr": 0.05, "betas": [0.85, 0.99], "weight_decay": 0.05, "decoupled_weight_decay": True}),
    case("rprop-rastrigin-etas", {"name": "rastrigin"}, [2.3, -1.7], 80,
         {"name": "rprop", "lr": 0.05, "etas": [0.3, 1.5], "step_sizes": [1e-4, 0.5]}),
    case("asgd-matyas-averaging", {"name": "matyas"}, [6.0, -4.0], 120,
         {"name": "asgd", "lr": 0.5, "lambd": 1e-3, "alpha": 0.5, "t0": 20, "weight_decay": 0.01}),
    case("adafactor-beale-wd", {"name": "beale"}, [1.0, 1.5], 120,
         {"name": "adafactor", "lr": 0.05, "beta2_decay": -0.5, "d": 1.5, "weight_decay": 0.02, "eps": [1e-20, 0.01]}),
    # Six-hump camel has two local maxima, near (±1.7, ∓0.8): the search climbs to one.
    case("lbfgs-six-hump-maximize-wolfe", {"name": "six_hump_camel"}, [1.2, -0.3], 4,
         {"name": "lbfgs", "lr": 0.5, "max_iter": 6, "maximize": True, "line_search_fn": "strong_wolfe"}),
    case("lbfgs-six-hump-maximize", {"name": "six_hump_camel"}, [0.1, 0.2], 5,
         {"name": "lbfgs", "lr": 0.05, "max_iter": 4, "maximize": True}),
    case("cyclic-exp-range-adam", {"name": "himmelblau"}, [-1.0, 1.0], 100,
         {"name": "adam", "lr": 0.05, "schedule": {"name": "cyclic", "base_lr": 0.005, "max_lr": 0.2,
                                                     "step_size_up": 7, "step_size_down": 13, "mode": "exp_range",
                                                     "gamma": 0.99, "base_momentum": 0.7, "max_momentum": 0.95}}),
    case("onecycle-three-phase-rmsprop", {"name": "booth"}, [-6.0, 8.0], 90,
         {"name": "rmsprop", "lr": 0.01, "momentum": 0.5, "schedule": {"name": "onecycle", "max_lr": 0.05,
                                                                        "epochs": 10, "steps_per_epoch": 10,
                                                                        "three_phase": True, "anneal_strategy": "linear",
                                                                        "div_factor": 10, "final_div_factor": 100}}),
    case("onecycle-nadam-no-momentum-cycle", {"name": "beale"}, [1.0, 1.5], 100,
         {"name": "nadam", "lr": 0.01, "schedule": {"name": "onecycle", "max_lr": 0.02, "total_steps": 100,
                                                     "cycle_momentum": False, "pct_start": 0.5}}),
    case("plateau-abs-cooldown-minlr", {"name": "rosenbrock"}, [-1.5, 2.0], 250,
         {"name": "sgd", "lr": 0.002, "momentum": 0.9, "schedule": {"name": "plateau", "factor": 0.5, "patience": 3,
                                                                     "threshold": 0.01, "threshold_mode": "abs",
                                                                     "cooldown": 4, "min_lr": 2e-4}}),
    case("plateau-max-maximize", {"name": "saddle"}, [0.5, 0.01], 60,
         {"name": "adam", "lr": 0.05, "maximize": True, "schedule": {"name": "plateau", "mode": "max",
                                                                      "patience": 2, "factor": 0.5}}),
    case("multistep-repeat-polynomial-seq", {"name": "quadratic", "params": {"a": 2.0, "b": 5.0}}, [3.0, -2.0], 100,
         {"name": "sgd", "lr": 0.15, "schedule": {"name": "sequential", "milestones": [30, 60], "schedulers": [
             {"name": "constant", "factor": 0.5, "total_iters": 10},
             {"name": "multistep", "milestones": [10, 10, 20], "gamma": 0.7},
             {"name": "polynomial", "total_iters": 30, "power": 0.5}]}}),
    case("warm-restarts-adamw-tmult1", {"name": "six_hump_camel"}, [-1.5, 1.2], 100,
         {"name": "adamw", "lr": 0.05, "schedule": {"name": "cosine_warm_restarts", "T_0": 15, "eta_min": 0.001}}),
    case("cyclic-triangular2-sgd-nesterov", {"name": "quadratic", "params": {"a": 1.0, "b": 10.0}}, [3.0, 2.0], 100,
         {"name": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True,
          "schedule": {"name": "cyclic", "base_lr": 0.01, "max_lr": 0.12, "step_size_up": 5, "mode": "triangular2"}}),
    case("seq-warmup-onecycle-adamax", {"name": "goldstein_price"}, [-1.2, 1.4], 80,
         {"name": "adamax", "lr": 0.01, "schedule": {"name": "sequential", "milestones": [10], "schedulers": [
             {"name": "linear", "start_factor": 0.2, "total_iters": 10},
             {"name": "exponential", "gamma": 0.97}]}}),
]


def typed_case(id, expr, params, start, steps, optimizer, points):
    function = {"name": "custom", "expr": expr}
    if params:
        function["params"] = params
    c = case("typed-" + id, function, start, steps, optimizer)
    c["points"] = points
    return c


TYPED_CASES = [
    typed_case("atan2-hypot", "atan2(y, x)^2/4 + hypot(x - 1, y + 0.5)", {}, [1.5, 2.0], 120,
               {"name": "adam", "lr": 0.05}, [[1.5, 2.0], [-0.7, 0.3], [2.0, -1.0], [0.3, -2.2]]),
    typed_case("log1p-expm1-cosh", "log1p(x^2) + c*expm1(-y^2) + cosh(x/3)", {"c": -2.0}, [2.5, 1.5], 100,
               {"name": "sgd", "lr": 0.1, "momentum": 0.8, "nesterov": True},
               [[2.5, 1.5], [0.0, 0.0], [-1.2, 0.4], [3.0, -2.0]]),
    typed_case("min-max", "min(x^2 + y^2, (x - 2)^2 + y^2 + 0.5) + 0.1*max(x, y)", {}, [1.3, 1.8], 80,
               {"name": "rmsprop", "lr": 0.02, "centered": True},
               [[1.3, 1.8], [0.4, -0.2], [2.5, 0.7], [-1.0, 1.5]]),
    typed_case("hyperbolic-inverse-trig", "sinh(x/2)^2 + tan(y/3)^2 - asin(x/4)*acos(y/4)", {}, [2.0, -2.5], 100,
               {"name": "nadam", "lr": 0.05}, [[2.0, -2.5], [0.5, 0.5], [-1.5, 1.0], [3.0, 2.0]]),
    typed_case("logs-cbrt-param", "log2(1 + x^2) + k*log10(1 + y^4) + cbrt(x^2 + y^2 + 1)", {"k": 3.0},
               [-2.0, 1.7], 60, {"name": "lbfgs", "lr": 0.5, "max_iter": 6, "line_search_fn": "strong_wolfe"},
               [[-2.0, 1.7], [0.1, 0.1], [1.0, -1.0], [2.5, 0.5]]),
    typed_case("gaussian-well-params", "-a*exp(-((x - m)^2 + (y - m)^2)/s) + (x^2 + y^2)/20",
               {"a": 2.0, "m": 0.5, "s": 2.0}, [-2.5, 2.0], 150, {"name": "adagrad", "lr": 0.3},
               [[-2.5, 2.0], [0.5, 0.5], [1.0, -1.0], [-0.3, 0.8]]),
    typed_case("variable-exponent", "(1 + x^2)**(y/2) + (y - 1)^2", {}, [1.2, -1.5], 100,
               {"name": "radam", "lr": 0.05}, [[1.2, -1.5], [0.0, 1.0], [-2.0, 0.5], [0.7, 2.0]]),
    typed_case("unary-minus-constants", "-x^2 + pi*y^2 + e*abs(x - 1) + 3*x^4/4", {}, [-1.8, 1.2], 120,
               {"name": "adamw", "lr": 0.03, "weight_decay": 0.1},
               [[-1.8, 1.2], [0.5, -0.5], [1.5, 0.2], [-0.6, 0.0]]),
    typed_case("negative-exponent", "x^-2 + (y - 1)^2/4 + x^2/10 + sqrt(y^2 + 1)", {}, [-0.8, 3.0], 100,
               {"name": "sgd", "lr": 0.05, "momentum": 0.5},
               [[-0.8, 3.0], [-1.5, 0.0], [2.0, 1.0], [0.6, -2.0]]),
]


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference2")
    for c in TYPED_CASES:
        points = c.pop("points")
        c["reference"] = dict(run(c["experiment"]), derivatives=derivatives(c["experiment"]["function"], points))
        k = chaotic_from(c["reference"], run(c["experiment"], nudge=True))
        if k is not None:
            c["reference"]["compare_until"] = max(0, k - 1)
        with open(os.path.join(here, c["id"] + ".json"), "w") as fh:
            json.dump(c, fh)
        print(c["id"], c["reference"]["points"][-1], c["reference"].get("compare_until"))
    if "--typed" in sys.argv:
        return
    for c in CASES:
        ref = run(c["experiment"])
        k = chaotic_from(ref, run(c["experiment"], nudge=True))
        if k is not None:
            ref["compare_until"] = max(0, k - 1)
        c["reference"] = ref
        with open(os.path.join(here, c["id"] + ".json"), "w") as fh:
            json.dump(c, fh)
        print(c["id"], ref["points"][-1], ref.get("compare_until"), ref.get("func_evals", ""))


if __name__ == "__main__":
    main()
