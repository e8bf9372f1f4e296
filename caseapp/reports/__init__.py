"""Reports and monitoring: indicators, dashboards, the yearly integration report."""
