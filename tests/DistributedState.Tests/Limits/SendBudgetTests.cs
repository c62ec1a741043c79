using System.Threading.Tasks;
using DistributedState.Sessions;
using Xunit;

namespace DistributedState.Tests.Limits
{
    public sealed class SendBudgetTests
    {
        [Fact]
        public void A_session_beyond_its_own_limit_is_refused_whatever_the_node_holds()
        {
            var budget = new SendBudget(nodeLimit: 1000, sessionLimit: 100);
            Assert.Equal(100, budget.SessionLimit);
            budget.AddSession();
            Assert.Equal(SendAdmission.Admitted, budget.TryReserve(sessionQueued: 0, bytes: 100));
            Assert.Equal(SendAdmission.SessionFull, budget.TryReserve(sessionQueued: 100, bytes: 1));
            Assert.Equal(100, budget.Queued);
        }

        [Fact]
        public void At_the_node_cap_only_sessions_beyond_their_share_are_refused()
        {
            var budget = new SendBudget(nodeLimit: 300, sessionLimit: 300);
            budget.AddSession();
            budget.AddSession();
            budget.AddSession();
            Assert.Equal(100, budget.FairShare);
            // Below the cap, a session may hold more than its share: one that does not read fills the node's queues.
            Assert.Equal(SendAdmission.Admitted, budget.TryReserve(sessionQueued: 0, bytes: 250));
            Assert.Equal(SendAdmission.Admitted, budget.TryReserve(sessionQueued: 250, bytes: 50));
            Assert.Equal(SendAdmission.NodeFull, budget.TryReserve(sessionQueued: 250, bytes: 40));
            Assert.Equal(300, budget.Queued); // a refusal reserves nothing

            // A session within its share is still served, beyond the cap; beyond its share it is not.
            Assert.Equal(SendAdmission.Admitted, budget.TryReserve(sessionQueued: 0, bytes: 60));
            Assert.Equal(SendAdmission.NodeFull, budget.TryReserve(sessionQueued: 60, bytes: 60));
            Assert.Equal(360, budget.Queued);
            Assert.Equal(360, budget.Peak);

            // The hog is closed and its bytes released: there is room again.
            budget.Release(250 + 50);
            budget.RemoveSession();
            Assert.Equal(150, budget.FairShare);
            Assert.Equal(SendAdmission.Admitted, budget.TryReserve(sessionQueued: 60, bytes: 200));
            Assert.Equal(260, budget.Queued);
            Assert.Equal(360, budget.Peak);
        }

        [Fact]
        public void The_session_limit_never_exceeds_the_node_limit()
        {
            var budget = new SendBudget(nodeLimit: 64, sessionLimit: 1000);
            Assert.Equal(64, budget.SessionLimit);
        }

        [Fact]
        public void Concurrent_sessions_never_hold_more_than_twice_the_cap()
        {
            const long Cap = 10_000;
            var budget = new SendBudget(Cap, sessionLimit: Cap);
            const int Sessions = 8;
            for (var i = 0; i < Sessions; i++)
                budget.AddSession();
            Parallel.For(0, Sessions, _ =>
            {
                long held = 0;
                for (var i = 0; i < 10_000; i++)
                {
                    if (budget.TryReserve(held, 7) == SendAdmission.Admitted)
                        held += 7;
                }
            });
            Assert.True(budget.Peak <= 2 * Cap, $"peak {budget.Peak}");
            Assert.True(budget.Queued >= Cap, $"queued {budget.Queued}: the cap is used");
        }
    }
}
