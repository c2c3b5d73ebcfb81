enum _PlaceholderConocelesWeb {}
