"""From a commit to a verified environment: offline diffs for reviewers and post-deploy checks."""
