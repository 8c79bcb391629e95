from linli.jobs.models import Job
from linli.jobs.services import job_handler
from linli.places.services import import_run_process


@job_handler("places.import")
def import_file(job: Job) -> None:
    import_run_process(run_id=job.payload["run"], write=job.payload["write"])
