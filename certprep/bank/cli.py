"""`flask bank ...`: import, export and lint question files."""

import click

bank = click.Group("bank", help="Import, export and check question sets.")
