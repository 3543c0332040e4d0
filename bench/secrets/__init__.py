"""Labelled secret cases the project writes itself (bench/secrets/written/), for the scrubber benchmark."""
