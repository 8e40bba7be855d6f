"""Background jobs: check-in reminders, the email outbox, alert escalation and the
relapse-risk scan.

An edge, like the web app and the command line: it builds the SMTP mailer and the units
of work and calls the services. :func:`~attune.jobs.runner.run_jobs_once` runs every job
once; :class:`~attune.jobs.loop.JobsLoop` runs them every ``jobs_every_seconds`` in a
background thread (``attune serve``) or in the foreground (``attune jobs run --every``).
"""
