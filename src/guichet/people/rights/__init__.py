"""The rights of the RGPD on a person's data: access and portability (`export`), erasure and
retention (`erasure`, `retention`), the register of processing (`register`).

`people` sits below the apps that hold a person's data (cases, appointments, notifications,
channels…): each of them describes its own part in a module of its own, found when the
apps are ready (`data_export.py`, `data_erasure.py`), so nothing here imports them.
"""
