"""clinicode."""
