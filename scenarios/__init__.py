"""The scripted calls: one scenario format for the offline simulator and Connect's own test cases."""
