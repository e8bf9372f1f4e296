"""Appointments: rooms, booking without double bookings, calendars, slips and reminders."""
