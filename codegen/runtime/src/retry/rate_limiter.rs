//! The adaptive retry mode's client-side rate limiter, as the AWS SDKs specify it: a token bucket
//! that stays off until the service first throttles the client, and whose fill rate then follows
//! CUBIC congestion control.
//!
//! * Every attempt takes one token. While the bucket is off it takes nothing and never waits.
//! * The sending rate is measured in half-second buckets, smoothed (`0.8` new, `0.2` old).
//! * A throttling answer turns the bucket on, remembers the rate at that moment (`last_max_rate`:
//!   the measured rate, or the fill rate if lower) and cuts the fill rate to 70 % of it.
//! * Any other answer lets the rate grow back along `0.4 * (t - t_throttle - K)^3 + last_max_rate`,
//!   with `K = cbrt(last_max_rate * (1 - 0.7) / 0.4)`: fast at first, flat around the rate that
//!   was throttled, probing beyond it after that.
//! * The fill rate never exceeds twice the measured sending rate, nor drops below 0.5 tokens per
//!   second; the bucket holds at most one second of tokens (at least 1).
//!
//! An attempt that finds too few tokens takes them anyway (the bucket goes below zero) and is
//! told how long to wait until they would have been there: concurrent callers queue up in
//! order instead of all waking at once.
//!
//! Time is seconds on the caller's clock (`RetryState` passes a monotonic one), so the tests
//! below drive it by hand.

use std::time::Duration;

/// The lowest fill rate, in tokens per second.
const MIN_FILL_RATE: f64 = 0.5;
/// The smallest bucket.
const MIN_CAPACITY: f64 = 1.0;
/// The weight of the newest measurement of the sending rate.
const SMOOTH: f64 = 0.8;
/// How far a throttling answer cuts the rate.
const BETA: f64 = 0.7;
/// CUBIC's scaling constant.
const SCALE_CONSTANT: f64 = 0.4;
/// Tokens one attempt takes.
const ATTEMPT_COST: f64 = 1.0;

#[derive(Debug)]
pub(crate) struct RateLimiter {
    /// Off until the first throttling answer.
    enabled: bool,
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    /// When tokens were last added.
    last_refill: Option<f64>,
    /// The smoothed sending rate, in attempts per second.
    measured_rate: f64,
    /// The start of the current half-second measuring bucket, and the attempts ended in it.
    rate_bucket: f64,
    attempts_in_bucket: u64,
    /// The rate when the service last throttled, and when.
    last_max_rate: f64,
    last_throttle: f64,
    /// CUBIC's `K`: how long after a throttle the rate is back at `last_max_rate`.
    time_window: f64,
}

impl RateLimiter {
    /// A limiter, off, whose clock reads `now`.
    pub(crate) fn new(now: f64) -> Self {
        Self {
            enabled: false,
            fill_rate: MIN_FILL_RATE,
            max_capacity: MIN_CAPACITY,
            capacity: 0.0,
            last_refill: None,
            measured_rate: 0.0,
            rate_bucket: (now * 2.0).floor() / 2.0,
            attempts_in_bucket: 0,
            last_max_rate: 0.0,
            last_throttle: now,
            time_window: 0.0,
        }
    }

    /// An attempt is about to be sent at `now`: takes its token, and returns how long to wait
    /// before sending it (zero while the limiter is off or a token is there).
    pub(crate) fn acquire(&mut self, now: f64) -> Duration {
        if !self.enabled {
            return Duration::ZERO;
        }
        self.refill(now);
        let missing = ATTEMPT_COST - self.capacity;
        self.capacity -= ATTEMPT_COST;
        if missing > 0.0 {
            // The fill rate is at least MIN_FILL_RATE, so this is finite.
            Duration::try_from_secs_f64(missing / self.fill_rate).unwrap_or(Duration::MAX)
        } else {
            Duration::ZERO
        }
    }

    /// An attempt ended at `now`, with a throttling answer or not.
    pub(crate) fn update(&mut self, now: f64, throttled: bool) {
        self.measure(now);
        let rate = if throttled {
            let rate = if self.enabled {
                self.measured_rate.min(self.fill_rate)
            } else {
                self.measured_rate
            };
            self.last_max_rate = rate;
            self.time_window = self.window();
            self.last_throttle = now;
            self.enabled = true;
            rate * BETA
        } else {
            self.time_window = self.window();
            let t = now - self.last_throttle - self.time_window;
            SCALE_CONSTANT * t.powi(3) + self.last_max_rate
        };
        self.set_fill_rate(now, rate.min(2.0 * self.measured_rate));
    }

    fn window(&self) -> f64 {
        (self.last_max_rate * (1.0 - BETA) / SCALE_CONSTANT).cbrt()
    }

    fn refill(&mut self, now: f64) {
        if let Some(last) = self.last_refill {
            let added = (now - last).max(0.0) * self.fill_rate;
            self.capacity = (self.capacity + added).min(self.max_capacity);
        }
        self.last_refill = Some(self.last_refill.map_or(now, |last| last.max(now)));
    }

    fn set_fill_rate(&mut self, now: f64, rate: f64) {
        self.refill(now);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.max_capacity = rate.max(MIN_CAPACITY);
        self.capacity = self.capacity.min(self.max_capacity);
    }

    fn measure(&mut self, now: f64) {
        let bucket = (now * 2.0).floor() / 2.0;
        self.attempts_in_bucket += 1;
        if bucket > self.rate_bucket {
            let rate = self.attempts_in_bucket as f64 / (bucket - self.rate_bucket);
            self.measured_rate = rate * SMOOTH + self.measured_rate * (1.0 - SMOOTH);
            self.attempts_in_bucket = 0;
            self.rate_bucket = bucket;
        }
    }

    #[cfg(test)]
    fn fill_rate(&self) -> f64 {
        self.fill_rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count` attempts, evenly spread over `[from, to)`, none throttled, none waiting.
    fn steady(limiter: &mut RateLimiter, from: f64, to: f64, count: u32) {
        for i in 0..count {
            let now = from + (to - from) * f64::from(i) / f64::from(count);
            limiter.acquire(now);
            limiter.update(now, false);
        }
    }

    #[test]
    fn nothing_waits_until_the_first_throttle() {
        let mut limiter = RateLimiter::new(0.0);
        for i in 0..1000 {
            let now = f64::from(i) * 0.001;
            assert_eq!(limiter.acquire(now), Duration::ZERO);
            limiter.update(now, false);
        }
        assert!(!limiter.enabled);
    }

    #[test]
    fn a_throttle_cuts_the_rate_to_70_percent_of_what_was_sent() {
        let mut limiter = RateLimiter::new(0.0);
        // 20 attempts a second for 5 seconds: the measured rate settles at 20.
        steady(&mut limiter, 0.0, 5.0, 100);
        assert!((limiter.measured_rate - 20.0).abs() < 2.5, "{limiter:?}");
        limiter.update(5.0, true);
        assert!(limiter.enabled);
        let cut = limiter.fill_rate();
        assert!(
            (cut - 0.7 * limiter.last_max_rate).abs() < 1e-9,
            "{limiter:?}"
        );
        assert!((12.0..16.0).contains(&cut), "{cut}");
        // A second throttle at once cuts again, from the (lower) fill rate.
        limiter.update(5.0, true);
        assert!(limiter.fill_rate() < cut * 0.75, "{limiter:?}");
    }

    #[test]
    fn after_a_throttle_the_rate_grows_back_along_the_cubic_curve() {
        let mut limiter = RateLimiter::new(0.0);
        steady(&mut limiter, 0.0, 5.0, 100);
        limiter.update(5.0, true);
        let max = limiter.last_max_rate;
        let k = limiter.time_window;
        assert!((k - (max * 0.3 / 0.4).cbrt()).abs() < 1e-9);
        // Keep sending at the old rate, unthrottled: at t = throttle + K the curve is back at
        // the old maximum, and past it the rate probes higher, never beyond twice the measured.
        steady(&mut limiter, 5.0, 5.0 + k, (20.0 * k) as u32);
        limiter.update(5.0 + k, false);
        assert!((limiter.fill_rate() - max).abs() < 1.0, "{limiter:?}");
        steady(&mut limiter, 5.0 + k, 7.0 + k, 40);
        limiter.update(7.0 + k, false);
        assert!(limiter.fill_rate() > max + 3.0, "{limiter:?}");
        assert!(limiter.fill_rate() <= 2.0 * limiter.measured_rate + 1e-9);
    }

    #[test]
    fn an_empty_bucket_makes_attempts_wait_in_turn() {
        let mut limiter = RateLimiter::new(0.0);
        // Throttled at once, before any rate was measured: the lowest fill rate, 0.5 a second.
        limiter.update(0.0, true);
        assert_eq!(limiter.fill_rate(), MIN_FILL_RATE);
        // Three callers at the same instant: the first waits for one token (2 s), the next
        // ones for theirs after it (4 s, 6 s).
        let waits: Vec<f64> = (0..3).map(|_| limiter.acquire(0.0).as_secs_f64()).collect();
        assert_eq!(waits, [2.0, 4.0, 6.0]);
        // Once the time has passed, the tokens were there: a later caller waits its own turn.
        assert_eq!(limiter.acquire(8.0).as_secs_f64(), 0.0);
        assert_eq!(limiter.acquire(8.0).as_secs_f64(), 2.0);
    }

    #[test]
    fn the_fill_rate_never_drops_below_the_minimum() {
        let mut limiter = RateLimiter::new(0.0);
        for i in 0..50 {
            limiter.update(f64::from(i) * 0.1, true);
            assert!(limiter.fill_rate() >= MIN_FILL_RATE, "{limiter:?}");
            assert!(limiter.max_capacity >= MIN_CAPACITY);
        }
    }

    #[test]
    fn a_clock_read_out_of_order_adds_no_tokens_and_never_panics() {
        let mut limiter = RateLimiter::new(100.0);
        limiter.update(100.0, true);
        let first = limiter.acquire(101.0);
        let earlier = limiter.acquire(100.5);
        assert!(earlier > first, "{first:?} {earlier:?}");
        for now in [f64::NAN, f64::INFINITY, -1.0, 0.0] {
            let _ = limiter.acquire(now);
            limiter.update(now, true);
            limiter.update(now, false);
        }
    }
}
