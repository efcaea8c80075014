//! What a scenario or a lesson's part asks before its paths are shown.

/// What a part asks before its paths are shown.
pub enum Quiz {
    /// Nothing: the paths are shown at once.
    None,
    /// "Where will optimizer N (from 1) be after the last step?": the reader
    /// clicks a guess, then the animation plays.
    Predict(usize),
    /// A multiple-choice question; `answer` counts from 1.
    Choose {
        /// What is asked.
        question: &'static str,
        /// The answers offered.
        choices: &'static [&'static str],
        /// The right one, from 1.
        answer: usize,
    },
}
