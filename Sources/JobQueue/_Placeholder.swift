enum _PlaceholderJobQueue {}
