"""The portal's pages: catalogue and address step, intake, tracking, the person's account."""
