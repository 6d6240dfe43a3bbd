import unittest

from driftscope_client import ClockOffset


class ClockOffsetEstimate(unittest.TestCase):
    def test_the_sample_with_the_smallest_round_trip_wins(self):
        own = [1000.0]
        clock = ClockOffset(own_clock_ms=lambda: own[0])
        self.assertIsNone(clock.estimate())
        self.assertEqual(clock.now_ms(), 1000.0)  # own clock until a sample
        clock.add(0, 100, 5050)  # offset 5000, rtt 100
        clock.add(200, 210, 5305)  # offset 5100, rtt 10
        clock.add(300, 340, 5420)  # offset 5100, rtt 40
        self.assertEqual(clock.estimate(), (5100.0, 10.0))
        self.assertEqual(clock.now_ms(), 6100.0)

    def test_only_recent_samples_count(self):
        clock = ClockOffset(own_clock_ms=lambda: 0.0, recent=2)
        clock.add(0, 1, 100.5)  # the best, then forgotten
        clock.add(0, 50, 225)
        clock.add(0, 60, 230)
        self.assertEqual(clock.estimate(), (200.0, 50.0))
