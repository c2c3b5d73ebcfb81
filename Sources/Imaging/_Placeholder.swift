enum _PlaceholderImaging {}
