"""The programme's reference data: settings, quarters, our KAM team, our executives, our offers, countries."""
