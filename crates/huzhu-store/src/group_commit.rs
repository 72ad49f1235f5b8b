//! Group commit (issue 5): writes that arrive while another is being committed wait in a queue,
//! and the next one to get the turn commits all of them in one transaction. Each caller is
//! answered with its own result, and only after the transaction that holds its write has
//! committed (or failed). Nothing is delayed on purpose: a write that finds the writer idle is
//! committed at once, alone; batches form only when writes arrive faster than commits end.
//!
//! The batch is written by a spawned task, so that a caller who goes away (a client that
//! disconnects) cannot abandon the others' writes half-way: every write taken into a batch is
//! committed or refused, and its caller, if still there, hears which.

use std::future::Future;
use std::sync::Mutex;
use tokio::sync::oneshot;

type Queue<J, R> = Vec<(J, oneshot::Sender<R>)>;

/// New claims and their answers, as the stores gather them.
pub(crate) type ClaimWrites =
    GroupCommit<crate::money::NewClaim, crate::Result<crate::money::CreatedClaim>>;

#[derive(Debug)]
pub(crate) struct GroupCommit<J, R> {
    queue: Mutex<Queue<J, R>>,
    /// Held by the caller whose turn it is to commit what is queued.
    turn: tokio::sync::Mutex<()>,
}

impl<J, R> Default for GroupCommit<J, R> {
    fn default() -> Self {
        GroupCommit {
            queue: Mutex::new(Vec::new()),
            turn: tokio::sync::Mutex::new(()),
        }
    }
}

impl<J: Send + 'static, R: Send + 'static> GroupCommit<J, R> {
    fn take(&self) -> Queue<J, R> {
        match self.queue.lock() {
            Ok(mut q) => std::mem::take(&mut *q),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }

    fn push(&self, job: J, answer: oneshot::Sender<R>) {
        match self.queue.lock() {
            Ok(mut q) => q.push((job, answer)),
            Err(poisoned) => poisoned.into_inner().push((job, answer)),
        }
    }

    /// Queues `job` and returns its result once the batch holding it has been written by
    /// `write`, which gets the batch's jobs in arrival order and must answer one result per job,
    /// in the same order. None when the batch's task failed before answering (nothing is known
    /// to have been written, and the caller must report an error).
    pub(crate) async fn submit<F, Fut>(&self, job: J, write: F) -> Option<R>
    where
        F: FnOnce(Vec<J>) -> Fut,
        Fut: Future<Output = Vec<R>> + Send + 'static,
    {
        let (answer, mut result) = oneshot::channel();
        self.push(job, answer);
        tokio::select! {
            biased;
            r = &mut result => return r.ok(),
            turn = self.turn.lock() => {
                let queued = self.take();
                if !queued.is_empty() {
                    let (jobs, answers): (Vec<J>, Vec<oneshot::Sender<R>>) =
                        queued.into_iter().unzip();
                    let batch = write(jobs);
                    let task = tokio::spawn(async move {
                        for (answer, r) in answers.into_iter().zip(batch.await) {
                            // A caller who went away no longer listens; its write stands.
                            let _ = answer.send(r);
                        }
                    });
                    let _ = task.await;
                }
                drop(turn);
            }
        }
        result.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_caller_gets_its_own_answer_and_batches_form_under_load() {
        let gc: Arc<GroupCommit<u32, u32>> = Arc::default();
        let batches = Arc::new(Mutex::new(Vec::<usize>::new()));
        let mut tasks = Vec::new();
        for i in 0..200u32 {
            let (gc, batches) = (gc.clone(), batches.clone());
            tasks.push(tokio::spawn(async move {
                gc.submit(i, move |jobs: Vec<u32>| async move {
                    batches.lock().unwrap().push(jobs.len());
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                    jobs.into_iter().map(|j| j * 10).collect()
                })
                .await
            }));
        }
        for (i, t) in tasks.into_iter().enumerate() {
            assert_eq!(t.await.unwrap(), Some(i as u32 * 10));
        }
        let batches = batches.lock().unwrap();
        assert_eq!(batches.iter().sum::<usize>(), 200, "each job written once");
        assert!(
            batches.len() < 200,
            "some jobs shared a commit: {batches:?}"
        );
    }

    #[tokio::test]
    async fn a_batch_that_fails_to_answer_gives_none_not_a_wrong_answer() {
        let gc: GroupCommit<u32, u32> = GroupCommit::default();
        let r = gc.submit(1, |_jobs| async { Vec::<u32>::new() }).await;
        assert_eq!(r, None);
    }
}
