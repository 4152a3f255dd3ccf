//! Strongly connected components of a directed graph (Tarjan's algorithm), without recursion:
//! a model may chain thousands of structures.

/// For each node of the graph on nodes `0..edges.len()` (`edges[n]`: the nodes `n` points to),
/// the number of its component. Two nodes share a component when each reaches the other.
pub fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut search = Search {
        order: vec![UNSEEN; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        path: Vec::new(),
        seen: 0,
    };
    let mut component = vec![UNSEEN; n];
    let mut components = 0;
    for root in 0..n {
        if search.order[root] != UNSEEN {
            continue;
        }
        search.visit(root);
        while let Some(&(node, edge)) = search.path.last() {
            if let Some(&child) = edges[node].get(edge) {
                search.path.last_mut().expect("a node").1 += 1;
                if search.order[child] == UNSEEN {
                    search.visit(child);
                } else if search.on_stack[child] {
                    search.low[node] = search.low[node].min(search.order[child]);
                }
                continue;
            }
            search.path.pop();
            if let Some(&(parent, _)) = search.path.last() {
                search.low[parent] = search.low[parent].min(search.low[node]);
            }
            if search.low[node] == search.order[node] {
                while let Some(member) = search.stack.pop() {
                    search.on_stack[member] = false;
                    component[member] = components;
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

const UNSEEN: usize = usize::MAX;

/// The state of the depth-first search.
struct Search {
    /// When each node was first seen (`UNSEEN` before).
    order: Vec<usize>,
    /// The earliest-seen node still on the stack that each node reaches.
    low: Vec<usize>,
    on_stack: Vec<bool>,
    /// Nodes seen whose component is not known yet.
    stack: Vec<usize>,
    /// The depth-first path: each node with the index of its next edge to follow.
    path: Vec<(usize, usize)>,
    seen: usize,
}

impl Search {
    fn visit(&mut self, node: usize) {
        self.order[node] = self.seen;
        self.low[node] = self.seen;
        self.seen += 1;
        self.stack.push(node);
        self.on_stack[node] = true;
        self.path.push((node, 0));
    }
}

#[cfg(test)]
mod tests {
    use super::components;

    #[test]
    fn cycles_share_a_component_and_chains_do_not() {
        // 0 → 1 → 2 → 0 is a cycle; 2 → 3 → 4 a chain; 4 → 4 a loop on itself.
        let c = components(&[vec![1], vec![2], vec![0, 3], vec![4], vec![4]]);
        assert_eq!((c[0], c[0]), (c[1], c[2]));
        assert_ne!(c[2], c[3]);
        assert_ne!(c[3], c[4]);
    }

    #[test]
    fn a_long_chain_does_not_recurse() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![0] })
            .collect();
        let c = components(&edges);
        assert!(c.iter().all(|&x| x == c[0]));
    }
}
