enum _PlaceholderConocelesJobs {}
