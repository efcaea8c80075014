//! The angle a surface in relief is seen from: what a link's `view3d` and the
//! CLI's `--angle` give.

use optiviz_base::error::{ConfigError, ConfigErrors, Problems};
use optiviz_base::number::show_number;

/// Where the relief is seen from: yaw about the vertical axis and pitch above
/// the floor, in degrees, and a zoom (1 fits the box in the plot).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Angle {
    /// Degrees about the vertical axis, in [−180, 180).
    pub yaw: f64,
    /// Degrees above the floor, in [`Angle::PITCH`].
    pub pitch: f64,
    /// The magnification, in [`Angle::ZOOM`]; 1 fits the box in the plot.
    pub zoom: f64,
}

impl Default for Angle {
    fn default() -> Angle {
        Angle::DEFAULT
    }
}

impl Angle {
    /// An oblique view from the front left, a little above.
    pub const DEFAULT: Angle = Angle {
        yaw: -35.0,
        pitch: 30.0,
        zoom: 1.0,
    };
    /// Pitch from the side (0) to straight above (90).
    pub const PITCH: [f64; 2] = [0.0, 90.0];
    /// Zoom from half size to four times.
    pub const ZOOM: [f64; 2] = [0.5, 4.0];

    /// A view with yaw wrapped into [−180, 180), pitch and zoom held in range.
    pub fn new(yaw: f64, pitch: f64, zoom: f64) -> Angle {
        let yaw = (yaw + 180.0).rem_euclid(360.0) - 180.0;
        Angle {
            yaw,
            pitch: pitch.clamp(Self::PITCH[0], Self::PITCH[1]),
            zoom: zoom.clamp(Self::ZOOM[0], Self::ZOOM[1]),
        }
    }

    /// Reads `YAW,PITCH` or `YAW,PITCH,ZOOM` (degrees); every problem names
    /// `key` and what is allowed. Yaw may be any angle; pitch and zoom must
    /// lie in range.
    pub fn parse(text: &str, key: &str) -> Result<Angle, ConfigErrors> {
        let form = || {
            ConfigError::new(
                key,
                format!(
                    "must be YAW,PITCH or YAW,PITCH,ZOOM (degrees, and a zoom), \
                     for example -35,30 or -35,30,1.5; got '{text}'"
                ),
            )
        };
        let parts: Vec<f64> = text
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| form())?;
        let (yaw, pitch, zoom) = match parts[..] {
            [y, p] => (y, p, 1.0),
            [y, p, z] => (y, p, z),
            _ => return Err(form().into()),
        };
        if !yaw.is_finite() {
            return Err(form().into());
        }
        let mut p = Problems::default();
        if !(Self::PITCH[0]..=Self::PITCH[1]).contains(&pitch) {
            p.push(ConfigError::new(
                key,
                format!(
                    "pitch must be in [0, 90] degrees (0 looks from the side, 90 from \
                     straight above), got {}",
                    show_number(pitch)
                ),
            ));
        }
        if !(Self::ZOOM[0]..=Self::ZOOM[1]).contains(&zoom) {
            p.push(ConfigError::new(
                key,
                format!("zoom must be in [0.5, 4], got {}", show_number(zoom)),
            ));
        }
        p.finish(Angle::new(yaw, pitch, zoom))
    }

    /// `yaw,pitch,zoom` as [`Angle::parse`] reads it, to a tenth of a degree
    /// and a hundredth of the zoom.
    pub fn text(&self) -> String {
        let r = |v: f64, k: f64| {
            let v = (v * k).round() / k;
            // No "-0".
            if v == 0.0 {
                "0".to_string()
            } else {
                format!("{v}")
            }
        };
        format!(
            "{},{},{}",
            r(self.yaw, 10.0),
            r(self.pitch, 10.0),
            r(self.zoom, 100.0)
        )
    }

    /// Turned by `yaw` and `pitch` degrees.
    pub fn turn(self, yaw: f64, pitch: f64) -> Angle {
        Angle::new(self.yaw + yaw, self.pitch + pitch, self.zoom)
    }

    /// Zoomed in by `factor` (> 1) or out.
    pub fn zoom_by(self, factor: f64) -> Angle {
        Angle::new(self.yaw, self.pitch, self.zoom * factor)
    }
}
