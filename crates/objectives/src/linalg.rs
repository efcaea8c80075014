//! Linear algebra the surfaces need: a symmetric 2 × 2 matrix's eigenpairs.

/// The eigenvalues (ascending) and unit eigenvectors of a symmetric 2×2 matrix.
pub fn eigen(h: [[f64; 2]; 2]) -> ([f64; 2], [[f64; 2]; 2]) {
    let [[a, b], [_, c]] = h;
    let mean = 0.5 * (a + c);
    let r = (0.5 * (a - c)).hypot(b);
    // The larger in size as mean ± r; the other from the determinant, which
    // keeps its digits when the two differ by many orders of magnitude.
    let big = if mean >= 0.0 { mean + r } else { mean - r };
    let det = a * c - b * b;
    let small = if big != 0.0 && det != 0.0 && (det > 0.0) == (mean * mean > r * r) {
        det / big
    } else if mean >= 0.0 {
        mean - r
    } else {
        mean + r
    };
    let values = if small <= big {
        [small, big]
    } else {
        [big, small]
    };
    if b == 0.0 {
        // Already diagonal: the axes, the lower curvature first.
        return if a <= c {
            (values, [[1.0, 0.0], [0.0, 1.0]])
        } else {
            (values, [[0.0, 1.0], [1.0, 0.0]])
        };
    }
    // (H − λI)v = 0: v ∝ (b, λ − a), or (λ − c, b), whichever is better conditioned.
    let vector = |l: f64| {
        let v = if (l - a).abs() > (l - c).abs() {
            [b, l - a]
        } else {
            [l - c, b]
        };
        let n = v[0].hypot(v[1]);
        let v = [v[0] / n, v[1] / n];
        // A fixed sign, so the output does not flip between nearby points.
        if v[0] < 0.0 || (v[0] == 0.0 && v[1] < 0.0) {
            [-v[0], -v[1]]
        } else {
            v
        }
    };
    (values, [vector(values[0]), vector(values[1])])
}
