enum _PlaceholderConocelesConfig {}
